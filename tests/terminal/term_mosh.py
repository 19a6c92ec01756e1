#!/usr/bin/env python3
"""term_mosh.py -- differential test of our emulator against mosh 1.4's.

For each stream below: a real mosh-server runs `cat STREAM` in its pty,
a real mosh-client (TERM=xterm, 80x24, no smcup) shows it in a pty we
hold, and we keep every byte the client writes.  Our emulator (term_dump)
then draws two screens: the raw stream (with the pty's NL -> CR NL, after
the "\\n" the server writes to release the child), and the client's
output.  They must be equal: text, renditions, cursor and title.  The
client's output is mosh's server emulator seen through mosh's frame diff,
so a difference is a place where we read application output differently
from mosh (or read mosh's diff differently).  The random mixes leave out
autowrap off, insert mode and ICH: with them a wide character can end up
in the last column (mosh keeps it there, and so do we), which the client's
own terminal can only show by wrapping it: a limit of mosh's display, not
a difference between the emulators.  The fixed streams use all three.
Usage: term_mosh.py TERM_DUMP WORKDIR
"""
import os, pty, random, re, select, signal, struct, subprocess, sys, time
import fcntl, termios

W, H = 80, 24
E = '\033'

# BAD in a stream stands for bytes that are not UTF-8
BAD = '\ue000'
BAD_BYTES = b'\xc3A\xe2\x82A\xed\xa0\x80\xf4\x90\x80\x80\xff\xc0\x80'

def csi(s):
    return E + '[' + s

STREAMS = {
    'render':
        'plain ' + csi('1m') + 'bold' + csi('3m') + 'ital' + csi('4m') + 'ul' +
        csi('5m') + 'blink' + csi('7m') + 'inv' + csi('8m') + 'hid' + csi('0m') +
        csi('2m') + 'faint' + csi('22;24;25;27;28m') + 'off\n' +
        ''.join(csi('%dm' % c) + 'x' for c in list(range(30, 38)) + [39] +
                list(range(40, 48)) + [49] + list(range(90, 98)) + list(range(100, 108))) +
        csi('0m\n') +
        csi('38;5;3m') + 'a' + csi('38;5;100m') + 'b' + csi('48;5;9m') + 'c' +
        csi('38;5;300;1m') + 'd' + csi('0;38;2;10;20;30;48;2;200;100;0m') + 'e' +
        csi('38;2;1;2m') + 'f' + csi('38m') + 'g' + csi('0m\n') +
        csi('44m') + 'bce' + csi('K') + '\n' + csi('45m') + 'ech' + csi('5X') +
        csi('0m') + '\n' + csi('46m') + csi('3;1H') + csi('1K') + csi('0m') +
        csi('10;1H') + 'a\tb\tc' + csi('3I') + 'd' + csi('2Z') + 'e' + csi('99Z') + 'f' +
        csi('11;5H') + E + 'H' + csi('11;1H') + '\tT' + csi('3g') + csi('12;1H') + '\tU' +
        csi('13;1H') + csi('47m') + csi('J') + csi('0m') + csi('20;1H'),
    'motion':
        ''.join('line %d\n' % i for i in range(22)) +
        csi('5;10H') + 'A' + csi('2A') + 'B' + csi('3B') + 'C' + csi('4C') + 'D' +
        csi('6D') + 'E' + csi('30G') + 'F' + csi('40`') + 'G' + csi('15d') + 'H' +
        csi('0A') + 'I' + csi('999;999H') + csi('H') + 'J' +
        csi('4;12r') + csi('?6h') + csi('H') + 'K' + csi('99B') + 'L' + csi('?6l') +
        csi('12;1H') + '\n\nM' + csi('4;1H') + E + 'M' + E + 'MN' + csi('r') +
        csi('16;1H') + csi('2L') + csi('18;1H') + csi('M') + csi('20;3H') + csi('3@') +
        csi('21;3H') + csi('4P') + csi('22;3H') + csi('3X') + csi('2S') + csi('T') +
        csi('7;7H') + E + '7' + csi('1;1H') + E + '8' + 'O' + E + 'E' + 'P' + E + 'D' + 'Q' +
        csi('9;1H') + csi('99999L') + csi('10;1H') + csi('2147483647M') +
        csi('3;3H') + csi('65535@') + csi('3;1H'),
    'unicode':
        'e\u0301 n\u0303 wide:\u4e2d\u6587\uff21 emoji:\U0001f600 \u00e9\u00e8\u00ff\n'
        '\u0302 lone\n' + '0' + csi('1J') + '\u0334' + csi('4;1H') +
        'bad:' + BAD + '|\n' +
        '\u009b31mred\u009b0m c1\n' + E + '(0lqk\x0e\x0fabc' + E + ')B\n' +
        E + ']0;window title\x07' + E + ']1;icon\x07' + E + 'P1;2qjunk' + E + '\\' +
        E + '_apc' + E + '\\' + E + '[1;3\x18' + 'X' + E + '[2\x1a' + 'Y' + '\n' +
        csi('10;79H') + '\u4e2d' + 'Z' + csi('12;80H') + 'x\by' + csi('14;1H') +
        'tab\u0301\tz\u20dd' + csi('16;1H'),
    'wrap':
        'x' * 100 + '\n' + 'y' * 80 + '\r\n' + 'z' * 80 + '\b\bq\n' +
        csi('?7l') + 'n' * 90 + csi('?7h') + '\n' + csi('4h') + 'insert' + csi('1G') +
        'IN' + csi('4l') + '\n' + csi('3;20r') + csi('20;1H') + 'w' * 170 + csi('r') +
        csi('22;1H') + 'long' * 30 + csi('5;78H') + '\u4e2d\u4e2d' + csi('23;1H'),
    'modes':
        csi('44m') + 'gone' + csi('?5h') + E + ']2;old\x07' + E + 'c' +
        'text\n' + csi('0;1;3;4;5;7;8;38;2;1;2;3;48;2;4;5;6;1;4;33;41m') + 'long sgr' +
        csi('m\n') + csi('?5h') + csi('?25l') + csi('?2004h') + csi('?1002h') +
        csi('?1006h') + csi('?1004h') + E + ']52;c;aGVsbG8=\x07' +
        E + ']2;' + 'T' * 200 + '\x07' + csi('5;20r') + csi('?6h') + csi('2;2H') + 'in' +
        csi('?6l') + csi('2;2H') + 'out' + csi('r') + csi('8;1H') + 'before' + csi('?3h') +
        'after' + csi('10;10H') + csi('!p') + 'soft' + csi('12;1H') +
        csi('1;31m') + 'x' + E + '7' + csi('0m') + csi('14;1H') + E + '8' + 'y' +
        csi('16;20r') + csi('?6h') + 'ab' + csi('?6l') + csi('r') + csi('23;1H'),
}

# Streams with a window resize in the middle: (before, after, new size,
# a word of `before` drawn last).
# The application writes `before`, waits 3 s, writes `after`; the client's
# window changes size in the pause, half a second after the client has
# shown that word.
RESIZES = {
    'grow': (
        ''.join('row %d ' % i + 'w' * (i * 4) + '\n' for i in range(20)) + csi('5;10r') +
        csi('22;70H') + 'cursor',
        '!\tT1\tT2\tT3' + csi('30;100H') + 'corner' + csi('28;1H') + '\n\n\nscrolled\t|',
        (100, 30), 'cursor'),
    'shrink': (
        ''.join('line %d ' % i + 'x' * 70 + '\n' for i in range(23)) + csi('1;3m') +
        csi('20;70H') + 'here' + csi('3;10r'),
        'after\n\n\ttab\te\u0301' + csi('15;60H') + 'end' + csi('H') + 'top',
        (60, 15), 'here'),
}

def random_stream(seed, n):
    rng = random.Random(seed)
    text = ['text ', 'word', 'The quick brown fox ', '\u4e2d\u6587', 'e\u0301', '0123456789']
    toks = ['\t', '\r', '\n', '\b', '\x07', csi('K'), csi('1K'), csi('2K'), csi('L'), csi('M'),
            csi('P'), csi('X'), csi('S'), csi('T'), csi('Z'), csi('I'),
            csi('0m'), csi('1;31m'), csi('44m'), csi('7m'), csi('38;5;120m'),
            csi('48;2;1;2;3m'),
            E + '7', E + '8', E + 'M', E + 'D', E + 'E', csi('r'), BAD, '\u009b1m']
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.15:
            out.append(csi('%d;%dH' % (rng.randint(1, H - 1), rng.randint(1, W))))
        elif r < 0.2:
            out.append(csi('%d;%dr' % (rng.randint(1, 8), rng.randint(12, H))))
        elif r < 0.25:
            out.append(csi('%d%s' % (rng.randint(0, 6), rng.choice('ABCDLMPXSTIZ'))))
        elif r < 0.26:
            out.append(rng.choice([csi('J'), csi('1J'), csi('%dL' % rng.randint(20, 99))]))
        elif r < 0.6:
            out.append(rng.choice(text))
        else:
            out.append(rng.choice(toks))
    return ''.join(out) + csi('r') + csi('?7h') + csi('4l') + csi('1;1H')

for seed in range(1, 7):
    STREAMS['random%d' % seed] = random_stream(seed, 600)

def run_mosh(stream_path, out_path, resize=None, marker=None):
    env = dict(os.environ, LANG='C.UTF-8', TERM='xterm', MOSH_NO_TERM_INIT='1')
    env.pop('LC_ALL', None)
    env.pop('LC_CTYPE', None)
    srv = subprocess.run(['mosh-server', 'new', '-i', '127.0.0.1', '-c', '256', '-l', 'LANG=C.UTF-8', '--',
                          'sh', '-c', 'stty -echo; sleep 1; cat "$0"; ' +
                          ('sleep 3; cat "$0.after"; ' if resize else '') + 'sleep 20', stream_path],
                         capture_output=True, text=True, env=env, timeout=20)
    m = re.search(r'MOSH CONNECT (\d+) (\S+)', srv.stdout)
    spid = re.search(r'pid = (\d+)', srv.stderr)
    if not m:
        return 'mosh-server did not start: ' + srv.stderr[-200:]
    pid, fd = pty.fork()
    if pid == 0:
        # the size must be there before mosh-client reads it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', H, W, 0, 0))
        os.environ.clear()
        os.environ.update(env)
        os.environ['MOSH_KEY'] = m.group(2)
        os.execvp('mosh-client', ['mosh-client', '127.0.0.1', m.group(1)])
    out, start, last = b'', time.time(), time.time()
    while time.time() - start < 30 and time.time() - last < 4:
        if resize and marker in out and time.time() - last > 0.5:
            fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', resize[1], resize[0], 0, 0))
            os.kill(pid, signal.SIGWINCH)
            resize = None
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                d = os.read(fd, 65536)
            except OSError:
                break
            if not d:
                break
            out += d
            last = time.time()
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    os.close(fd)
    if spid:
        try:
            os.kill(int(spid.group(1)), signal.SIGTERM)
        except OSError:
            pass
    open(out_path, 'wb').write(out)
    # the client draws its first, blank frame alone; it ends by resetting
    # the mouse encodings.  Nothing after that: the server never got through
    first = out.find(b'\033[?1005l')
    if first < 0 or len(out) == first + len(b'\033[?1005l'):
        return 'no frame from mosh-server'
    return None

def dump(term_dump, path, size=(W, H), extra=()):
    return subprocess.run([term_dump, str(size[0]), str(size[1]), path] + list(extra),
                          capture_output=True, timeout=10).stdout.decode('utf-8', 'replace')

def main():
    term_dump, work = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or sorted(STREAMS) + sorted(RESIZES)
    children, failed, sizes = {}, [], {}
    for name in names:
        before, after, resize, marker = RESIZES.get(name, (STREAMS.get(name), '', None, None))
        raw = before.encode('utf-8').replace(BAD.encode('utf-8'), BAD_BYTES)
        path = os.path.join(work, name + '.in')
        open(path, 'wb').write(raw)
        open(path + '.after', 'wb').write(after.encode('utf-8'))
        direct = b'\r\n' + raw.replace(b'\n', b'\r\n')
        sizes[name] = (resize, len(direct))
        open(os.path.join(work, name + '.direct'), 'wb').write(
            direct + after.encode('utf-8').replace(b'\n', b'\r\n'))
        pid = os.fork()
        if pid == 0:
            err = run_mosh(path, os.path.join(work, name + '.mosh'), resize,
                           marker.encode() if marker else None)
            if err:
                print(name + ': ' + err)
            os._exit(1 if err else 0)
        children[pid] = name
    sessions = 0
    for pid, name in children.items():
        _, st = os.waitpid(pid, 0)
        if st != 0:
            failed.append(name + ' (no session)')
            continue
        sessions += 1
        resize, at = sizes[name]
        a = dump(term_dump, os.path.join(work, name + '.direct'), (W, H),
                 [str(at), str(resize[0]), str(resize[1])] if resize else [])
        # mosh-client puts "[mosh] " before the title it shows (SPEC.md
        # §10.3); after a resize it repaints everything, so its output is
        # read at the final size
        b = dump(term_dump, os.path.join(work, name + '.mosh'), resize or (W, H)).replace(
            'title 5b 6d 6f 73 68 5d 20 ', 'title ')
        if a != b:
            failed.append(name)
            print('== %s: our emulator vs mosh 1.4 (via its client)' % name)
            diffs = [(la, lb) for la, lb in zip(a.splitlines(), b.splitlines()) if la != lb]
            for la, lb in diffs[:8]:
                print('  ours: ' + la[:150])
                print('  mosh: ' + lb[:150])
        else:
            print('%s: same screen' % name)
    if sessions == 0:
        print('mosh could not run here: skipping')
        return 77
    if failed:
        print('differ: ' + ' '.join(failed))
        return 1
    return 0

sys.exit(main())
