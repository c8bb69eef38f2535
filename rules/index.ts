import type { Rule } from '../src/model/rule.js';
import sqliteImportRule from './sqlite-import.js';
import sqliteConnectRule from './sqlite-connect.js';
import connectionFactoryCallRule from './connection-factory-call.js';
import aiosqliteConnectRule from './aiosqlite-connect.js';
import sqliteUrlRule from './sqlite-url.js';
import djangoSqliteBackendRule from './django-sqlite-backend.js';
import peeweeSqliteDatabaseRule from './peewee-sqlite-database.js';
import pandasSqliteIoRule from './pandas-sqlite-io.js';
import sqliteCliRule from './sqlite-cli.js';
import ormSqliteConfigRule from './orm-sqlite-config.js';
import connectionExecuteShortcutRule from './connection-execute-shortcut.js';
import rowFactoryRule from './row-factory.js';
import lastrowidRule from './lastrowid.js';
import executescriptRule from './executescript.js';
import createFunctionRule from './create-function.js';
import registerAdapterRule from './register-adapter.js';
import isolationLevelRule from './isolation-level.js';
import checkSameThreadRule from './check-same-thread.js';
import totalChangesRule from './total-changes.js';
import sqliteExceptionRule from './sqlite-exception.js';
import iterdumpRule from './iterdump.js';
import backupRule from './backup.js';
import connectOptionRule from './connect-option.js';
import pragmaCallRule from './pragma-call.js';
import transactionWrapperRule from './transaction-wrapper.js';
import serializeRule from './serialize.js';
import changesCountRule from './changes-count.js';
import qmarkPlaceholderRule from './qmark-placeholder.js';
import numberedPlaceholderRule from './numbered-placeholder.js';
import namedPlaceholderRule from './named-placeholder.js';
import dynamicSqlRule from './dynamic-sql.js';
import insertOrReplaceRule from './insert-or-replace.js';
import insertOrIgnoreRule from './insert-or-ignore.js';
import conflictResolutionClauseRule from './conflict-resolution-clause.js';
import autoincrementRule from './autoincrement.js';
import integerPrimaryKeyRule from './integer-primary-key.js';
import withoutRowidRule from './without-rowid.js';
import pragmaRule from './pragma.js';
import sqliteSchemaTableRule from './sqlite-schema-table.js';
import dateTimeFunctionRule from './date-time-function.js';
import lastInsertRowidRule from './last-insert-rowid.js';
import ifnullRule from './ifnull.js';
import groupConcatRule from './group-concat.js';
import instrRule from './instr.js';
import printfRule from './printf.js';
import typeofRule from './typeof.js';
import globOperatorRule from './glob-operator.js';
import rowidColumnRule from './rowid-column.js';
import limitCommaRule from './limit-comma.js';
import beginModeRule from './begin-mode.js';
import attachDatabaseRule from './attach-database.js';
import collateNocaseRule from './collate-nocase.js';
import columnConflictClauseRule from './column-conflict-clause.js';
import doubleQuotedStringRule from './double-quoted-string.js';
import doubleEqualsRule from './double-equals.js';
import sqliteTypeNameRule from './sqlite-type-name.js';
import likeCaseInsensitiveRule from './like-case-insensitive.js';
import iifRule from './iif.js';
import isValueComparisonRule from './is-value-comparison.js';
import booleanAsIntegerRule from './boolean-as-integer.js';
import dbPathRule from './db-path.js';
import unusedSuppressionRule from './unused-suppression.js';

/** The rule registry, sorted by id. Adding a rule: write rules/<name>.ts, list it here, write fixtures/rules/<name>.*. */
export const allRules: Rule[] = [
  sqliteImportRule,
  sqliteConnectRule,
  connectionFactoryCallRule,
  aiosqliteConnectRule,
  sqliteUrlRule,
  djangoSqliteBackendRule,
  peeweeSqliteDatabaseRule,
  pandasSqliteIoRule,
  sqliteCliRule,
  ormSqliteConfigRule,
  connectionExecuteShortcutRule,
  rowFactoryRule,
  lastrowidRule,
  executescriptRule,
  createFunctionRule,
  registerAdapterRule,
  isolationLevelRule,
  checkSameThreadRule,
  totalChangesRule,
  sqliteExceptionRule,
  iterdumpRule,
  backupRule,
  connectOptionRule,
  pragmaCallRule,
  transactionWrapperRule,
  serializeRule,
  changesCountRule,
  qmarkPlaceholderRule,
  numberedPlaceholderRule,
  namedPlaceholderRule,
  dynamicSqlRule,
  insertOrReplaceRule,
  insertOrIgnoreRule,
  conflictResolutionClauseRule,
  autoincrementRule,
  integerPrimaryKeyRule,
  withoutRowidRule,
  pragmaRule,
  sqliteSchemaTableRule,
  dateTimeFunctionRule,
  lastInsertRowidRule,
  ifnullRule,
  groupConcatRule,
  instrRule,
  printfRule,
  typeofRule,
  globOperatorRule,
  rowidColumnRule,
  limitCommaRule,
  beginModeRule,
  attachDatabaseRule,
  collateNocaseRule,
  columnConflictClauseRule,
  doubleQuotedStringRule,
  doubleEqualsRule,
  sqliteTypeNameRule,
  likeCaseInsensitiveRule,
  iifRule,
  isValueComparisonRule,
  booleanAsIntegerRule,
  dbPathRule,
  unusedSuppressionRule,
];
