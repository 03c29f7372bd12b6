// SPDX-License-Identifier: Apache-2.0
// A keyed, shortened HMAC that stands in for an identifier (tenant, user): equal ids stay equal
// within one key, and nobody without the key can tell which id it was.
import { createHmac } from 'node:crypto';

export function hmacId(key: string, value: string): string {
  return `h:${createHmac('sha256', key).update(value).digest('hex').slice(0, 24)}`;
}
