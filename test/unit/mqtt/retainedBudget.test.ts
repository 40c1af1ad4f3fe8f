import { describe, expect, it } from 'vitest';
import { RetainedBudget } from '../../../server/mqtt/retainedBudget.ts';

describe('retained budget', () => {
  it('bounds topics and bytes (topic and payload), counts a replaced value once, and frees a cleared topic', () => {
    const budget = new RetainedBudget({ maxTopics: 2, maxBytes: 100 });
    expect(budget.admit('a', 9)).toBe(true);
    expect(budget.admit('b', 9)).toBe(true);
    expect(budget.admit('c', 1)).toBe(false); // a third topic
    expect(budget.admit('a', 79)).toBe(true); // 20 - 10 + 80
    expect(budget.usage).toEqual({ topics: 2, bytes: 90 });
    expect(budget.admit('b', 20)).toBe(false); // 90 - 10 + 21 = 101
    expect(budget.usage).toEqual({ topics: 2, bytes: 90 });
    expect(budget.admit('b', 0)).toBe(true);
    expect(budget.usage).toEqual({ topics: 1, bytes: 80 });
    expect(budget.admit('c', 19)).toBe(true);
    expect(budget.usage).toEqual({ topics: 2, bytes: 100 });
  });
});
