import type { ApiUse, ApiUseKind, FileFacts, ThirdPartyKind, ThirdPartyUse } from '../model/facts.js';
import type { RuleHit } from '../model/rule.js';

/** Hits for every sqlite3 API use of one kind. */
export function apiHits(facts: FileFacts, kind: ApiUseKind, message: (use: ApiUse) => string): RuleHit[] {
  return facts.apiUses.filter((u) => u.kind === kind).map((u) => ({ range: u.range, message: message(u) }));
}

/** Hits for every third-party SQLite entry point of one kind. */
export function thirdPartyHits(facts: FileFacts, kind: ThirdPartyKind, message: (use: ThirdPartyUse) => string): RuleHit[] {
  return facts.thirdParty.filter((u) => u.kind === kind).map((u) => ({ range: u.range, message: message(u) }));
}
