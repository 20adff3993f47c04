# Seed 000 §9 client.py. Changed: the port (argv[1]); the secret may be
# given as argv[2] (to test a wrong one).
import hashlib
import socket
import sys
secret_key = sys.argv[2].encode() if len(sys.argv) > 2 else b'nice@123!'
sk = socket.socket()
sk.connect(('127.0.0.1', int(sys.argv[1])))
# 接收服务端发送的随机字符串
rand = sk.recv(32)
# 根据发送的字符串 + secret_key 进行摘要
sha = hashlib.sha1(secret_key)
sha.update(rand)
res = sha.hexdigest()
# 摘要结果发送回服务端
sk.send(res.encode('utf-8'))
# 继续和服务端进行通信
msg = sk.recv(1024)
print(msg)
