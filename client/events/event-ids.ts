// Ids derived from content, so that a delivery repeated (at-least-once ingress, a retried
// client call) names the same thing: the same execution, the same command, the same event.
import { createHash } from 'node:crypto';

/** A UUID (RFC 9562 version 8: custom, from a hash) for `text`: stable, and shaped as SSM command ids are. */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text, 'utf8').digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** An event id fit for a workflow id: as it is when short and plain, else a digest of it. */
export function eventKey(eventId: string): string {
  return /^[A-Za-z0-9._:-]{1,128}$/.test(eventId) ? eventId : `sha256-${createHash('sha256').update(eventId, 'utf8').digest('hex').slice(0, 32)}`;
}
