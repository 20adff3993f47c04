# Seed 000 §10 client.py (the socketserver demo). Changed: the port
# (argv[1]); the endless loop runs 3 rounds.
import socket
import sys

sk = socket.socket()
sk.connect(('127.0.0.1', int(sys.argv[1])))
for _ in range(3):
    sk.send(b'hello')
    content = sk.recv(1024).decode('utf-8')
    print(content)
