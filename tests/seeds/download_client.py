# Seed 004 §4 文件下载器客户端. Changed: the address (127.0.0.1 and argv[1]
# instead of a LAN host), input() (argv[2]) and the folder to save in (argv[3]).
# 1、导入模块
import socket
import sys
# 2、创建套接字
tcp_client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# 3、建立连接
tcp_client_socket.connect(("127.0.0.1", int(sys.argv[1])))
# 4、接收用户输入的文件名
file_name = sys.argv[2]
# 5、发送文件名到服务端
tcp_client_socket.send(file_name.encode())
# 6、创建文件，并且准备保存
with open(sys.argv[3] + "/" + file_name, "wb") as file:
    # 7、接收服务端发送的数据，保存到本地（循环）
    while True:
        file_data = tcp_client_socket.recv(1024)
        # 判断数据是否传送完毕
        if file_data:
            file.write(file_data)
        else:
            break
# 8、关闭套接字
tcp_client_socket.close()
