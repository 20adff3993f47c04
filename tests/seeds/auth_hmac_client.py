# Seed 003 §8.4.3 方式二 client.py. Changed: the port (argv[1]); the chat
# loop runs 3 rounds; hmac.new gets 'md5', the default Python 3.8 removed.
import socket
import time
import hmac
import sys
def get_hmac(secret_key,randseq):
    h = hmac.new(secret_key,randseq,'md5')
    res = h.digest()
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
hmaccode = get_hmac(secret_key,randseq)
sk.send(hmaccode)
chat(sk)
sk.close()
