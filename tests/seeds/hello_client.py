# Seed 000 §2 client.py. Changed: the port (argv[1]).
import socket
import sys

sk = socket.socket()

# 必须和server端的一致
sk.connect(('127.0.0.1', int(sys.argv[1])))
msg = sk.recv(1024)
print(msg)

# 客户端 发送 消息给服务端
sk.send(b'bye')

sk.close()
