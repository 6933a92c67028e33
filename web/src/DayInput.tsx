// A day typed in the installation's date format (or as YYYY-MM-DD, always read), in place of the
// browser's date picker, whose format follows the browser's language rather than the settings.
// The rule is the API's own (src/app/settings/days.ts): 01/03/2026 is 1 March under DD/MM/YYYY,
// and 30/02/2026 says "30 February does not exist" under the field.
import { useEffect, useId, useRef, useState } from 'react';
import type { InputHTMLAttributes } from 'react';
import { dayForms, readDay } from '../../src/app/settings/days.ts';
import { formatDay, shownDateFormat } from './format.ts';

type Passed = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'type' | 'placeholder'>;

/**
 * A text input for a day. `value` is the day as the API takes it (YYYY-MM-DD, or '' for none);
 * `onChange` hears each day typed whole and well (YYYY-MM-DD), '' when the field is emptied, and
 * (with `valid` false) the text as typed while it is not a day, so a form sending it is refused.
 */
export function DayInput({ value, onChange, ...rest }: Passed & { value: string; onChange: (value: string, valid: boolean) => void }) {
  const format = shownDateFormat();
  const [text, setText] = useState(() => (value ? formatDay(value) : ''));
  const [problem, setProblem] = useState<string | null>(null);
  const problemId = useId();
  // A value set from outside (a reset, a link) shows in the field; one this field sent stays as typed.
  const sent = useRef(value);
  useEffect(() => {
    if (value === sent.current) return;
    sent.current = value;
    setText(value ? formatDay(value) : '');
    setProblem(null);
  }, [value]);
  const emit = (next: string, valid: boolean) => {
    sent.current = next;
    onChange(next, valid);
  };
  const typed = (next: string) => {
    setText(next);
    if (next.trim() === '') {
      setProblem(null);
      emit('', true);
      return;
    }
    const read = readDay(next, format);
    if ('day' in read) {
      setProblem(null);
      emit(read.day, true);
    } else {
      setProblem(read.problem);
      emit(next, false);
    }
  };
  const described = [rest['aria-describedby'], problem ? problemId : undefined].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <input
        {...rest}
        type="text"
        inputMode="numeric"
        autoComplete="off"
        placeholder={format}
        title={`A day written ${dayForms(format)}`}
        value={text}
        onChange={(e) => typed(e.target.value)}
        aria-describedby={described}
        {...(problem ? { 'aria-invalid': true } : {})}
      />
      {problem && (
        <span id={problemId} className="day-problem" role="alert">
          {problem}
        </span>
      )}
    </>
  );
}
