import type { Codemod } from '../src/model/codemod.js';
import autoincrementToIdentity from './autoincrement-to-identity.js';
import beginModeToBegin from './begin-mode-to-begin.js';
import connectToFactory from './connect-to-factory.js';
import connectionExecuteToCursor from './connection-execute-to-cursor.js';
import dateTimeToPostgres from './date-time-to-postgres.js';
import doubleEqualsToEquals from './double-equals-to-equals.js';
import doubleQuotedStringToLiteral from './double-quoted-string-to-literal.js';
import groupConcatToStringAgg from './group-concat-to-string-agg.js';
import ifnullToCoalesce from './ifnull-to-coalesce.js';
import iifToCase from './iif-to-case.js';
import insertOrIgnoreToOnConflict from './insert-or-ignore-to-on-conflict.js';
import insertOrReplaceToUpsert from './insert-or-replace-to-upsert.js';
import instrToStrpos from './instr-to-strpos.js';
import integerToBooleanLiteral from './integer-to-boolean-literal.js';
import isValueToDistinctFrom from './is-value-to-distinct-from.js';
import lastrowidToReturning from './lastrowid-to-returning.js';
import limitCommaToOffset from './limit-comma-to-offset.js';
import pragmaTableInfo from './pragma-table-info.js';
import qmarkToTargetPlaceholders from './qmark-to-target-placeholders.js';
import sqliteExceptionsToDriver from './sqlite-exceptions-to-driver.js';
import sqliteMasterToInformationSchema from './sqlite-master-to-information-schema.js';
import sqliteTypesToPostgres from './sqlite-types-to-postgres.js';

/** The codemod registry, sorted by name. Codemods arrive with `pgready fix`. */
export const allCodemods: Codemod[] = [
  autoincrementToIdentity,
  beginModeToBegin,
  connectToFactory,
  connectionExecuteToCursor,
  dateTimeToPostgres,
  doubleEqualsToEquals,
  doubleQuotedStringToLiteral,
  groupConcatToStringAgg,
  ifnullToCoalesce,
  iifToCase,
  insertOrIgnoreToOnConflict,
  insertOrReplaceToUpsert,
  instrToStrpos,
  integerToBooleanLiteral,
  isValueToDistinctFrom,
  lastrowidToReturning,
  limitCommaToOffset,
  pragmaTableInfo,
  qmarkToTargetPlaceholders,
  sqliteExceptionsToDriver,
  sqliteMasterToInformationSchema,
  sqliteTypesToPostgres,
];
