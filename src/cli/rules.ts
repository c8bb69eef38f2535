import type { Argv } from 'yargs';
import { formatRuleDetail, formatRuleList, ruleDetailJson, ruleListJson } from '../report/catalogue.js';
import { UsageError } from '../util/errors.js';
import type { CliContext } from './context.js';
import { findRule, reportError, suggestRule } from './context.js';

export interface RulesArgs {
  rule?: string;
  format: 'pretty' | 'json';
}

export function rulesBuilder(y: Argv): Argv<RulesArgs> {
  return y
    .positional('rule', { type: 'string', description: 'A rule id (SQL201) or name (qmark-placeholder)' })
    .option('format', { choices: ['pretty', 'json'] as const, requiresArg: true, default: 'pretty' as const, description: 'Output format' }) as unknown as Argv<RulesArgs>;
}

/** `pgready rules [id|name]`: the catalogue, or one rule's explanation. */
export function runRulesCommand(args: RulesArgs, ctx: CliContext): number {
  try {
    if (args.rule === undefined) {
      ctx.stdout.write(args.format === 'json' ? ruleListJson(ctx.rules) : formatRuleList(ctx.rules));
      return 0;
    }
    const rule = findRule(ctx.rules, args.rule);
    if (!rule) {
      const near = suggestRule(ctx.rules, args.rule);
      const hint = near ? ` Did you mean ${near.id} (${near.name})?` : '';
      throw new UsageError(`unknown rule "${args.rule}".${hint} Run \`pgready rules\` for the list.`);
    }
    ctx.stdout.write(args.format === 'json' ? ruleDetailJson(rule) : formatRuleDetail(rule));
    return 0;
  } catch (e) {
    return reportError(e, ctx);
  }
}
