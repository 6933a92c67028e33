// The variant finder (web/src/items/VariantFinder.tsx) as a person uses it in a browser test.
import type { Locator } from 'playwright-core';

const escaped = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Types `text` into the variant finder labelled `label` inside `scope`, waits for an option
 * whose text starts with `option` ("Item — Colour / Size") or matches it, and clicks it.
 */
export async function findVariant(scope: Locator, text: string, option: string | RegExp, label = 'Variant'): Promise<void> {
  await scope.getByRole('combobox', { name: label, exact: true }).fill(text);
  const choice = scope.getByRole('option', { name: typeof option === 'string' ? new RegExp(`^${escaped(option)}`) : option }).first();
  await choice.waitFor();
  await choice.click();
}
