// SPDX-License-Identifier: Apache-2.0
/**
 * Bytes read (and decoded to one string) at a time by the tailer and by `replay`. Kept below
 * V8's regular-object limit (128 KiB): a chunk string, and the line strings sliced from it,
 * then live in the young generation and die in cheap scavenges. 256 KiB chunks went to
 * large-object space instead: measured on 300k nginx lines, 64 KiB cut peak RSS from 109 to
 * 74 MiB and CPU by about a quarter (`DW_CHUNK` experiment, see issue 6 note).
 */
export const READ_CHUNK_BYTES = 64 * 1024;
