# Seed 000 §7.1 client.py (UDP chat). Changed: the port (argv[1]); input()
# gives the lines of argv[2:], then 'Q'.
import socket
import sys

lines = iter(sys.argv[2:] + ['Q'])
name = 'jack'
sk = socket.socket(type=socket.SOCK_DGRAM)

while 1:
    content = next(lines)
    if content.upper() == 'Q':
        break
    content = f'{name}|{content}'
    sk.sendto(content.encode('utf-8'), ('127.0.0.1', int(sys.argv[1])))
    msg = sk.recv(1024).decode('utf-8')
    if msg.upper() == 'Q':
        break
    print(msg)
