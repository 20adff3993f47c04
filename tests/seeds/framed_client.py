# Seed 000 §6.7 client.py. Changed: the port (argv[1]).
import time
import socket
import struct
import sys

sk = socket.socket()
sk.connect(('127.0.0.1', int(sys.argv[1])))

time.sleep(0.1)
length = sk.recv(4)
length = struct.unpack('i', length)[0]
msg1 = sk.recv(length)
msg2 = sk.recv(1024)

print(msg1.decode('utf-8'))
print(msg2.decode('utf-8'))

sk.close()
