import { lineColumnAt } from '../text-position.ts';

/**
 * Line and column of many indices of one text, asked in ascending order: each answer
 * counts only from the previous one, so a file with many statements costs one pass
 * instead of one pass per statement. Any order still works (it restarts when asked
 * for an earlier index).
 */
export class LineCursor {
  private readonly text: string;
  private index = 0;
  private line = 1;
  private column = 1;

  constructor(text: string) {
    this.text = text;
  }

  /** The 1-based line and column (in code points) of string index `index`, as `lineColumnAt` counts them. */
  at(index: number): { line: number; column: number } {
    // Restart from the top when going backwards, or when the last answer sits between a CR and its LF.
    if (index < this.index || (this.index > 0 && this.text.charCodeAt(this.index) === 10 && this.text.charCodeAt(this.index - 1) === 13)) {
      this.index = 0;
      this.line = 1;
      this.column = 1;
    }
    const rel = lineColumnAt(this.text.slice(this.index, index), index - this.index);
    this.line += rel.line - 1;
    this.column = rel.line === 1 ? this.column + rel.column - 1 : rel.column;
    this.index = index;
    return { line: this.line, column: this.column };
  }
}
