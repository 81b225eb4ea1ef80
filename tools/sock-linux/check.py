# What Linux does for the SO_ERROR / MSG_PEEK cases of docs/sock.md (run: python3 tools/sock-linux/check.py)
import socket, errno, select, time, struct
def soerr(s): return errno.errorcode.get(s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR), 0)
def tryc(f):
    try: return f()
    except OSError as e: return errno.errorcode[e.errno]
# 1 UDP connected -> port unreachable
u=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); u.setblocking(False)
u.connect(("127.0.0.1",1234)); u.send(b"x"); time.sleep(0.05)
p=select.poll(); p.register(u, select.POLLIN|select.POLLOUT); print("udp poll", p.poll(0))
print("udp SO_ERROR", soerr(u), soerr(u))
u.send(b"x"); time.sleep(0.05); print("udp recv", tryc(lambda: u.recv(10)), tryc(lambda: u.recv(10)))
u.send(b"x"); time.sleep(0.05); print("udp send after icmp", tryc(lambda: u.send(b"y")), tryc(lambda: u.send(b"y")))
# 2 TCP refused
t=socket.socket(); t.setblocking(False); print("connect", tryc(lambda: t.connect(("127.0.0.1",1234)))); time.sleep(0.05)
p=select.poll(); p.register(t, select.POLLIN|select.POLLOUT); print("tcp refused poll", p.poll(0))
print("tcp SO_ERROR", soerr(t), soerr(t)); print("recv", tryc(lambda: t.recv(10)), "send", tryc(lambda: t.send(b"x")))
print("poll after", p.poll(0))
t2=socket.socket(); t2.setblocking(False); tryc(lambda: t2.connect(("127.0.0.1",1234))); time.sleep(0.05)
print("recv first", tryc(lambda: t2.recv(10)), "SO_ERROR after", soerr(t2), "recv", tryc(lambda: t2.recv(10)))
# 3 RST on established
l=socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR,1); l.bind(("127.0.0.1",0)); l.listen()
c=socket.create_connection(l.getsockname()); s,_=l.accept()
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii",1,0)); s.close(); time.sleep(0.05)
c.setblocking(False); p=select.poll(); p.register(c, select.POLLIN|select.POLLOUT); print("rst poll", p.poll(0))
print("rst SO_ERROR", soerr(c), soerr(c), "recv", tryc(lambda: c.recv(10)), "send", tryc(lambda: c.send(b"x")))
c=socket.create_connection(l.getsockname()); s,_=l.accept()
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii",1,0)); s.close(); time.sleep(0.05)
print("rst send first", tryc(lambda: c.send(b"x")), "SO_ERROR", soerr(c), "send", tryc(lambda: c.send(b"x")))
# 4 PEEK
c=socket.create_connection(l.getsockname()); s,_=l.accept(); c.send(b"hello world"); time.sleep(0.02)
print("tcp peek", s.recv(5, socket.MSG_PEEK), s.recv(100, socket.MSG_PEEK), s.recv(3), s.recv(100))
s.setblocking(False); print("tcp peek empty", tryc(lambda: s.recv(5, socket.MSG_PEEK)))
c.close(); time.sleep(0.02); print("tcp peek eof", tryc(lambda: s.recv(5, socket.MSG_PEEK)))
a=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b=socket.socket(socket.AF_INET,socket.SOCK_DGRAM); b.bind(("127.0.0.1",0)); b.setblocking(False)
a.sendto(b"hello world", b.getsockname()); a.sendto(b"second", b.getsockname()); time.sleep(0.02)
print("udp peek", b.recvfrom(5, socket.MSG_PEEK), b.recv(5, socket.MSG_PEEK|socket.MSG_TRUNC), b.recv_into(bytearray(3), 0, socket.MSG_PEEK|socket.MSG_TRUNC), b.recvmsg(5, 0, socket.MSG_PEEK), b.recv(100), b.recv(100), tryc(lambda: b.recv(5, socket.MSG_PEEK)))
