#!/usr/bin/env python3
"""Writes the seed corpora of tests/transport/fuzz_datagram.c, fuzz_inflate.c and
fuzz_tlv.c (input layouts at the top of each harness).  Compressed streams
come from Python's zlib (the real zlib), the datagrams and instructions from
recorded mosh 1.4.0 traffic (SPEC.md §3.1, §4.4).  Run once from the
repository root; the output is committed, so `make test` does not need Python."""
import os, struct, zlib

def h(s):
    return bytes.fromhex(s.replace(' ', ''))

def write(d, name, data):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

def varint(v):
    out = b''
    while v >= 0x80:
        out += bytes([v & 0x7f | 0x80]); v >>= 7
    return out + bytes([v])

def field(num, wt, v):
    if wt == 0:
        return varint(num << 3) + varint(v)
    return varint(num << 3 | 2) + varint(len(v)) + v

def instruction(old, new, ack, throw, diff, chaff=b''):
    return (field(1, 0, 2) + field(2, 0, old) + field(3, 0, new) + field(4, 0, ack)
            + field(5, 0, throw) + field(6, 2, diff) + field(7, 2, chaff))

def frag(fid, num, final, body):
    return struct.pack('>QH', fid, num | (0x8000 if final else 0)) + body

def rec(op, data):
    return bytes([op]) + struct.pack('<H', len(data)) + data

# SPEC.md §3.1 and §11.7.
GOLDEN_PT = h('1234ffff 0000000000000001 8000'
              '789ce360126090605460d06030e2e0629362d1083090b0620000105301de')
C2S_SEQ0 = h('00000000000000009f164d976357081cc1c8bceef905db5a02428c8571949d686f44'
             '20ca31f0060ca43d50ffb19e12e522a8cf6e73fd36a91f68ecf470d119b52ed349b9')
S2C_SEQ5 = h('800000000000000562b1452b49441f8f5465091d7d412a3808799ea49d75557b0e1bf'
             '05087770ef85bc8a9bacfe9cb328cc58a2c693476245dc72b4e55ed8d8ddede59b9')
RESIZE_80x24 = h('0a061a0428503018')
RESIZE_100x30 = h('0a061a042864301e')
KEYS_AB = h('0a06120422026162')
ECHOACK_4 = h('0a043a024004')
# SPEC.md §6.2 worked example: the recorded first frame (echo ack 1, host bytes).
SESSION1 = h('0a043a024001 0a1e121c221a 1b5d303b74746c07 1b5b3f32356c'
             '0a68656c6c6f 1b5b3f323568')
FIRST_CLIENT = h('08021000180120002800 3208 0a061a0428503018 3a0f') + bytes(15)
SHUTDOWN = h('08021008 18ffffffffffffffffff01 2009 2808 3200 3a00')

D = 'tests/corpus/fuzz_datagram'
S, C = b'\x4e', b'\x4f'      # server role / client role, 16x3 terminal
write(D, 'server_appendix_b', S + rec(1, GOLDEN_PT) + rec(5, b''))
write(D, 'client_appendix_b', C + rec(1, GOLDEN_PT))
write(D, 'server_first_client_instruction', S + rec(2, FIRST_CLIENT) + rec(5, b''))
write(D, 'server_keys_resize', S + rec(3, RESIZE_80x24) + rec(3, KEYS_AB) + rec(5, b'')
      + rec(4, b'\x40') + rec(3 | 0x20, KEYS_AB + RESIZE_80x24) + rec(5, b''))
write(D, 'server_shutdown', S + rec(3, RESIZE_80x24) + rec(2, SHUTDOWN) + rec(4, b'\x10'))
write(D, 'client_session1', C + rec(3, SESSION1) + rec(3, ECHOACK_4) + rec(3, RESIZE_100x30)
      + rec(4, b'\x20'))
write(D, 'reflected_golden', S + rec(0, S2C_SEQ5) + rec(0, C2S_SEQ0[:-1])
      + rec(0, C2S_SEQ0[:8] + bytes([C2S_SEQ0[8] ^ 1]) + C2S_SEQ0[9:]))
write(D, 'client_reflected_golden', C + rec(0, C2S_SEQ0) + rec(1 | 8, GOLDEN_PT))
# Roaming: fresh datagrams from ports 1 and 2, then a replay from port 3.
write(D, 'server_roaming', S + rec(1 | 0x20, GOLDEN_PT) + rec(1 | 0x40, GOLDEN_PT)
      + rec(1 | 0x10 | 0x60, GOLDEN_PT))
# Session 2: a large screen in two fragments, and out of order.
big = b'\x1b[1;1H' + bytes(range(0x41, 0x5b)) * 120
hostbytes = field(1, 2, field(2, 2, field(4, 2, big)))
write(D, 'client_large_screen', C + rec(3, hostbytes) + rec(2 | 0x20 | 0x80,
      instruction(0, 5, 0, 0, hostbytes)))
# Real zlib Huffman streams: keystrokes at level 9, and a bomb (4 MiB + 1
# of zeros) in fragments: over the cap.
keys = field(1, 2, field(2, 2, field(4, 2, b'hello world, hello world, hello')))
z = zlib.compress(instruction(0, 1, 0, 0, keys), 9)
write(D, 'server_huffman', S + rec(1, b'\xff\xff\xff\xff' + frag(7, 0, True, z)))
bomb = zlib.compress(instruction(0, 1, 0, 0, field(1, 2, field(2, 2, field(4, 2,
       bytes(4 << 20))))), 9)
parts = [bomb[i:i + 1500] for i in range(0, len(bomb), 1500)]
write(D, 'server_bomb', S + b''.join(rec(1, b'\xff\xff\xff\xff' + frag(9, i, i == len(parts) - 1, p))
      for i, p in enumerate(parts)))
# Interleaved fragments of two ids, a conflicting duplicate, number 0x7fff.
z1 = zlib.compress(instruction(0, 1, 0, 0, KEYS_AB))
write(D, 'server_bad_fragments', S
      + rec(1, b'\xff\xff\xff\xff' + frag(20, 0, False, z1[:10]))
      + rec(1, b'\xff\xff\xff\xff' + frag(21, 0, False, z1[:10]))
      + rec(1, b'\xff\xff\xff\xff' + frag(20, 1, True, z1[10:]))
      + rec(1, b'\xff\xff\xff\xff' + frag(22, 0, False, z1[:10]))
      + rec(1, b'\xff\xff\xff\xff' + frag(22, 0, False, z1[:9] + b'x'))
      + rec(1, b'\xff\xff\xff\xff' + frag(23, 0x7fff, True, z1)))
write(D, 'server_bad_sizes', S + rec(3, field(1, 2, field(3, 2, field(5, 0, 0) + field(6, 0, 0))))
      + rec(3, field(1, 2, field(3, 2, field(5, 0, 100000) + field(6, 0, 100000))))
      + rec(1, b'\x12\x34'))
write(D, 'client_bad_sizes', C + rec(3, field(1, 2, field(3, 2, field(5, 0, 1025) + field(6, 0, 1))))
      + rec(3, ECHOACK_4) + rec(3, h('0a043a024003')))

# fuzz_inflate: byte 0 = flags (prefix length), then the stream.
D = 'tests/corpus/fuzz_inflate'
text = b'mosh mosh mosh: the mobile shell. ' * 40 + bytes(range(256))
write(D, 'appendix_b', b'\x00' + GOLDEN_PT[14:])
for lvl in (0, 1, 6, 9):
    write(D, 'level%d' % lvl, b'\x03' + zlib.compress(text, lvl))
co = zlib.compressobj(6, zlib.DEFLATED, 15, 9, zlib.Z_FIXED)
write(D, 'fixed', b'\x01' + co.compress(text) + co.flush())
write(D, 'empty', b'\x00' + zlib.compress(b''))
write(D, 'long_match', b'\x02' + zlib.compress(b'a' * 70000, 9))
write(D, 'window7_dist', b'\x00' + zlib.compress(os.urandom(0) + bytes(range(200)) * 200, 9))

# fuzz_tlv: the whole input is decoded both ways.
D = 'tests/corpus/fuzz_tlv'
write(D, 'appendix_b_instruction', h('0802100018012000280032080a061a04285030183a00'))
write(D, 'first_client_instruction', FIRST_CLIENT)
write(D, 'shutdown', SHUTDOWN)
write(D, 'keys_resize', KEYS_AB + RESIZE_80x24)
write(D, 'session1_frame', SESSION1)
write(D, 'echoack', ECHOACK_4 + RESIZE_100x30)
write(D, 'negative_resize', field(1, 2, field(3, 2, h('28ffffffffffffffffff01') + field(6, 0, 5))))
write(D, 'unknown_fields', field(9, 0, 5) + h('0d01020304') + h('1101020304050607 08') + FIRST_CLIENT)
