/*
 * wire.h -- byte buffers, the zlib container (RFC 1950/1951) and the
 * tag-length-value codec for the protobuf subset mosh speaks (SPEC.md §4).
 *
 * TLV layout: a field is a key varint (field number << 3 | wire type) and
 * then, for type 0, a varint value, or, for type 2, a varint length and
 * that many bytes.  Varints hold 7 bits a byte, least significant first,
 * the top bit set on all but the last byte; ten bytes at most.  int32
 * fields (width, height) are sign-extended to 64 bits when written and
 * keep the low 32 bits when read, as protobuf does.
 */
#ifndef WIRE_H
#define WIRE_H
#include <stddef.h>
#include <stdint.h>

/* A growable byte string; allocation failure ends the program. */
struct buf {
	uint8_t *data;
	size_t len, cap;
};
void buf_put(struct buf *b, const void *p, size_t n);
void buf_putc(struct buf *b, uint8_t c);
void buf_puts(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_free(struct buf *b);

/* ---- zlib container ---- */
#define ZLIB_MAX_OUT (4u << 20)     /* inflate output cap, as mosh's 4 MiB */

/* Appends a valid zlib stream holding n bytes in stored blocks. */
void zlib_store(struct buf *out, const uint8_t *in, size_t n);
/* Appends a zlib stream holding n bytes in one fixed-Huffman block, or,
 * if that is not smaller, zlib_store's stream (what the sender writes). */
void zlib_deflate(struct buf *out, const uint8_t *in, size_t n);

enum zlib_err {
	ZLIB_OK = 0,
	ZLIB_E_HEADER = -1,     /* bad CMF/FLG, preset dictionary, window */
	ZLIB_E_TRUNCATED = -2,  /* input ended early */
	ZLIB_E_DATA = -3,       /* bad block type, code lengths, codes */
	ZLIB_E_DISTANCE = -4,   /* distance back past the start of output */
	ZLIB_E_TOOBIG = -5,     /* output would exceed cap */
	ZLIB_E_CHECKSUM = -6,   /* Adler-32 mismatch */
};
/* Appends a whole zlib stream's output (at most cap bytes) to out; bytes
 * after the Adler-32 are ZLIB_E_DATA.  On error out->len is unchanged. */
int zlib_inflate(const uint8_t *in, size_t n, struct buf *out, size_t cap);

/* ---- protobuf wire subset ---- */

/* TransportBuffers.Instruction (SPEC.md §4.3).  Decoding points diff and
 * chaff into the input buffer; absent ones are empty but not NULL. */
struct wire_instruction {
	uint32_t protocol_version;
	uint64_t old_num, new_num, ack_num, throwaway_num;
	const uint8_t *diff;
	size_t diff_len;
	const uint8_t *chaff;
	size_t chaff_len;
};
/* All seven fields in order, even empty ones, as mosh: 08 02 10 <old>
 * 18 <new> 20 <ack> 28 <throwaway> 32 <len> <diff> 3A <len> <chaff>. */
void wire_instruction_encode(struct buf *out, const struct wire_instruction *in);
/* 0, or -1 if malformed or protocol_version is absent; unknown fields
 * are skipped. */
int wire_instruction_decode(const uint8_t *p, size_t n, struct wire_instruction *out);

/* UserMessage / HostMessage: a list of events (SPEC.md §4.3).  Each
 * event is an Instruction in repeated field 1 holding one extension:
 *   0A <len> 12 <len> 22 <len> <bytes>      Keystroke.keys / HostBytes
 *   0A <len> 1A <len> 28 <width> 30 <height> ResizeMessage
 *   0A <len> 3A <len> 40 <echo_ack_num>      EchoAck
 */
enum wire_event_type {
	WIRE_BYTES = 2,     /* Keystroke.keys (to server) or HostBytes.hoststring */
	WIRE_RESIZE = 3,
	WIRE_ECHOACK = 7,
};
struct wire_event {
	enum wire_event_type type;
	const uint8_t *bytes;   /* WIRE_BYTES */
	size_t len;
	int32_t width, height;  /* WIRE_RESIZE */
	uint64_t echo_ack;      /* WIRE_ECHOACK */
};
void wire_put_bytes(struct buf *out, const uint8_t *p, size_t n);
void wire_put_resize(struct buf *out, int32_t width, int32_t height);
void wire_put_echoack(struct buf *out, uint64_t num);
/* Decodes the event at *p, advancing it: 1 with *ev, 0 at the end, -1 if
 * malformed.  An instruction without 2, 3 or 7 is skipped; with several,
 * the first counts.  Missing fields read 0 (callers check sizes). */
int wire_next_event(const uint8_t **p, const uint8_t *end, struct wire_event *ev);
#endif
