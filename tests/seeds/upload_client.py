# Seed 000 §8.1 client.py (the fixed file upload). Changed: the port
# (argv[1]) and the file (argv[2]).
import os
import json
import struct
import socket
import sys

# 发送
sk = socket.socket()
sk.connect(('127.0.0.1', int(sys.argv[1])))

# 文件名、文件大小
# 必须是一个绝对路径
abs_path = sys.argv[2]
filename = os.path.basename(abs_path)
filesize = os.path.getsize(abs_path)
dic = {'filename': filename, 'filesize': filesize}
str_dic = json.dumps(dic)
b_dic = str_dic.encode('utf-8')
mlen = struct.pack('i', len(b_dic))
sk.send(mlen)  # 4个字节 表示字典转为字节之后的长度
sk.send(b_dic)  # 具体的字典的数据

with open(abs_path, 'rb') as f:
    while filesize > 0:
        content = f.read(1024)
        filesize -= 1024
        sk.send(content)
sk.close()
