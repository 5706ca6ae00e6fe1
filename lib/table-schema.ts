/**
 * The single table's shape, as plain data. The CDK table construct and the local
 * stack's CreateTable both read it, so DynamoDB Local always has the same keys and
 * indexes as the deployed table. Which item lives under which key is owned by the
 * store modules in functions/store (see the README's access-pattern table).
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after it passes. */
  timeToLiveAttribute: 'ttl',
  globalIndexes: [
    /** Lists: a partner's requests, a region's budgets, an approver's inbox, users of a partner. */
    { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Status-filtered lists: a partner's requests in one status. */
    { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** Sparse "due" index: only items with work due later carry duePk (the kind of work) and dueAt (ISO instant). */
    { name: 'due', partitionKey: 'duePk', sortKey: 'dueAt' },
  ],
} as const;

export type IndexName = (typeof tableSchema.globalIndexes)[number]['name'];
