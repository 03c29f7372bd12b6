// SPDX-License-Identifier: Apache-2.0
// Real recorded streams (test/fixtures/llm/streams, see SOURCES.md) through the accumulator.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { ChatStreamAccumulator } from './chat-stream.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/llm/streams/${name}`, import.meta.url));

function run(name: string, limits = {}) {
  const acc = new ChatStreamAccumulator(limits);
  const bytes = fixture(name);
  // feed in 97-byte reads, each "arriving" 1 ms later, so timings are positions in the stream
  for (let i = 0, t = 0; i < bytes.length; i += 97, t++) acc.push(bytes.subarray(i, i + 97), t);
  return acc.end();
}

describe('ChatStreamAccumulator over recorded provider streams', () => {
  it('OpenAI include_usage: usage from the final choices:[] chunk, [DONE] seen, no anomalies', () => {
    const r = run('openai-gpt4o-basic-include-usage.sse');
    expect(r.summary.sawDone).to.equal(true);
    expect(r.summary.anomalies).to.deep.equal([]);
    expect(r.usage?.origin).to.equal('final_chunk');
    expect(r.usage?.totalTokens).to.be.a('number');
    expect(r.finishReasons).to.deep.equal(['stop']);
    expect(r.model).to.equal('gpt-4o-2024-08-06');
    // the first chunk is role-only (content ""): the first token comes later
    expect(r.firstTokenMs).to.be.greaterThan(r.firstEventMs!);
  });

  it('Groq: usage only inside x_groq.usage is left to the contract (stream.usage_from)', () => {
    const r = run('groq-llama3-usage-in-x_groq.sse');
    expect(r.usage).to.equal(undefined);
  });

  it('OpenRouter: a comment line, usage on a chunk with non-empty choices', () => {
    const r = run('openrouter-gpt54nano-processing-comment-usage-in-nonempty-choices.sse');
    expect(r.summary.comments).to.equal(1);
    expect(r.usage?.origin).to.equal('finish_chunk');
    expect(r.summary.sawDone).to.equal(true);
    expect(r.contentText).to.include('Olá');
  });

  it('Azure: the prompt-filter chunk (no choices) is not the first token', () => {
    const r = run('azure-gpt41mini-prompt-filter-chunk-obfuscation.sse');
    expect(r.firstTokenMs).to.be.greaterThan(r.firstEventMs!);
    expect(r.usage).to.equal(undefined);
  });

  it('a refusal delta and a tool-call delta count as the first token', () => {
    expect(run('openai-gpt4o-refusal.sse').firstTokenMs).to.be.a('number');
    expect(run('openai-gpt4o-tool-calls.sse').firstTokenMs).to.be.a('number');
    expect(run('openai-gpt4o-tool-calls.sse').finishReasons).to.deep.equal(['tool_calls']);
  });

  it('n=3: a finish reason per choice; reasoning tokens read from the usage chunk', () => {
    expect(run('openai-gpt4o-n3-multiple-choices.sse').finishReasons).to.have.length(3);
    expect(run('azure-gpt5mini-latency-checkpoint-usage-chunk.sse').usage?.reasoningTokens).to.equal(64);
  });

  it('LiteLLM partial usage with no [DONE]: usage kept, no_done recorded', () => {
    const r = run('litellm-proxy-partial-usage-on-every-chunk.sse');
    expect(r.usage).to.include({ promptTokens: 11, totalTokens: 11, origin: 'chunk' });
    expect(r.summary.anomalies).to.include('no_done');
  });

  it('keeps only maxChunks parsed chunks but counts them all', () => {
    const r = run('groq-llama3-usage-in-x_groq.sse', { maxChunks: 5 });
    expect(r.summary.chunks).to.have.length(5);
    expect(r.summary.dataChunks).to.be.greaterThan(5);
  });

  it('records an error event, invalid JSON and data after [DONE] as anomalies', () => {
    const acc = new ChatStreamAccumulator();
    acc.push('data: {"choices":[{"index":0,"delta":{"content":"a"}}]}\n\n', 1);
    acc.push(
      'event: error\ndata: {"error":{"message":"x","code":"boom"}}\n\ndata: {nope\n\ndata: [DONE]\n\ndata: {}\n\n',
      2,
    );
    const r = acc.end();
    expect(r.summary.anomalies).to.include.members(['error_event', 'invalid_json', 'data_after_done']);
    expect(r.summary.errorEvent).to.deep.equal({ message: 'x', code: 'boom' });
  });
});
