# Seed 000 §6.1 client.py. Changed: the port (argv[1]).
import time
import socket
import sys

sk = socket.socket()
sk.connect(('127.0.0.1', int(sys.argv[1])))

time.sleep(0.1)
msg1 = sk.recv(1024)
print(msg1)
msg2 = sk.recv(1024)
print(msg2)

sk.close()
