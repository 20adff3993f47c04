# Seed 003 §8.4.3 方式一 client.py. Changed: the port (argv[1]); the chat
# loop runs 3 rounds.
import hashlib
import socket
import time
import sys
def get_md5(secret_key,randseq):
    md5 = hashlib.md5(secret_key)
    md5.update(randseq)
    res = md5.hexdigest()
    return res
def chat(sk):
    for _ in range(3):
        sk.send(b'hello')
        msg = sk.recv(1024).decode('utf-8')
        print(msg)
        time.sleep(0.5)
sk = socket.socket()
sk.connect(('127.0.0.1',int(sys.argv[1])))
secret_key = b'alexsb'
randseq = sk.recv(32)
md5code = get_md5(secret_key,randseq)
sk.send(md5code.encode('utf-8'))
chat(sk)
sk.close()
