#!/usr/bin/env python3
"""bench_term_mosh.py -- CPU that Debian's mosh-server spends on a stream.

Runs `cat STREAM` under a real mosh-server with a real mosh-client
attached (80x24, on 127.0.0.1), waits until the client's screen is quiet,
and prints the server's user+system CPU time from /proc.  That covers
mosh's whole server (emulator, frame diffs, compression, encryption); for
a large `cat` the emulator is most of it.
Usage: bench_term_mosh.py STREAM   -- prints "SECONDS" or nothing.
"""
import fcntl, os, pty, re, select, signal, struct, subprocess, sys, termios, time

def main():
    stream = os.path.abspath(sys.argv[1])
    env = dict(os.environ, LANG='C.UTF-8', TERM='xterm', MOSH_NO_TERM_INIT='1')
    env.pop('LC_ALL', None)
    srv = subprocess.run(['mosh-server', 'new', '-i', '127.0.0.1', '--', 'sh', '-c',
                          'stty -echo; sleep 1; cat "$0"; sleep 120', stream],
                         capture_output=True, text=True, env=env, timeout=20)
    m = re.search(r'MOSH CONNECT (\d+) (\S+)', srv.stdout)
    spid = re.search(r'pid = (\d+)', srv.stderr)
    if not m or not spid:
        return 1
    spid = int(spid.group(1))
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))
        os.environ.update(env)
        os.environ['MOSH_KEY'] = m.group(2)
        os.execvp('mosh-client', ['mosh-client', '127.0.0.1', m.group(1)])
    start = last = time.time()
    while time.time() - start < 150 and time.time() - last < 5:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
            last = time.time()
    f = open('/proc/%d/stat' % spid).read().rsplit(')', 1)[1].split()
    print('%.2f' % ((int(f[11]) + int(f[12])) / os.sysconf('SC_CLK_TCK')))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.kill(spid, signal.SIGTERM)
    return 0

sys.exit(main())
