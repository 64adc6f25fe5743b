import { slackMessage } from '../../src/backends/alerts/slack-message';
import { idempotencyKey } from '../../src/backends/http/idempotency-key';

describe('what backends send stays safe for any model name', () => {
  it('keeps ASCII idempotency keys as they were and percent-encodes the others, never alike', () => {
    expect(idempotencyKey('fraud', 'e1')).toBe('fraud:e1');
    const cjk = idempotencyKey('不正検知', 'e1');
    expect(cjk).toMatch(/^[\x21-\x7e]+$/);
    expect(decodeURIComponent(cjk)).toBe('不正検知:e1');
    expect(
      new Headers({ 'idempotency-key': idempotencyKey('🚀 ranker', 'e2') }).get('idempotency-key'),
    ).toBeTruthy();
    expect(idempotencyKey('café', 'e')).not.toBe(idempotencyKey('cafe\u0301', 'e'));
  });

  it('escapes an event’s words in the Slack notification text, so they cannot ping a channel', () => {
    const message = slackMessage([
      {
        alarmId: 'a1',
        source: 'guardian',
        subject: '<!channel>',
        title: 'drift <!here> & more',
        message: '<@U123>',
        priority: 'high',
        time: '2026-03-02T10:00:00Z',
      },
    ]);
    expect(message.text).not.toMatch(/<!/);
    expect(message.text).toContain('&lt;!channel&gt;');
    // Only mrkdwn is parsed for mentions (plain_text shows them as written).
    const mrkdwn = JSON.stringify(message.blocks).match(/"type":"mrkdwn","text":"[^"]*"/g) ?? [];
    expect(mrkdwn.length).toBeGreaterThan(2);
    for (const text of mrkdwn) expect(text).not.toMatch(/<!|<@/);
  });
});
