// Random questions checked in blocks of tests (query-endpoint and market-query): one test a
// block, so that a failing block names its questions and leaves the others' results as they
// are; each failure names the seed and the question, so that it can be replayed.
import { expect, it } from 'vitest';

interface Reply { statusCode: number; body: string; json(): unknown }

export function answersInBlocks<Q, A>(o: {
  seed: number;
  count: number;
  block: number;
  /** The questions and their reference answers, drawn before the tests run. */
  asked: () => readonly { question: Q; answer: A }[];
  ask: (question: Q) => Promise<Reply>;
  /** null where the answer is the reference's, else what differs. */
  differs: (got: Record<string, unknown>, want: A) => string | null;
}): void {
  for (let from = 0; from < o.count; from += o.block) {
    it(`answers random questions ${from}-${from + o.block - 1} as the reference does (seed ${o.seed})`, async () => {
      const failures: string[] = [];
      for (let i = from; i < from + o.block; i++) {
        const { question, answer } = o.asked()[i]!;
        const res = await o.ask(question);
        const diff = res.statusCode !== 200 ? `status ${res.statusCode}: ${res.body.slice(0, 300)}` : o.differs(res.json() as Record<string, unknown>, answer);
        if (diff !== null) failures.push(`seed ${o.seed}, question ${i}: ${JSON.stringify(question)}\n${diff}`);
      }
      if (failures.length) expect.fail(`${failures.length} of ${o.block} questions answered wrong:\n\n${failures.join('\n\n')}`);
    });
  }
}
