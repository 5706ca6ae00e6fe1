import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { tableSchema } from './table-schema.ts';

export interface DataTableProps {
  /** Production keeps the table (and its data) when the stack is deleted or the table replaced. */
  readonly prod: boolean;
}

/**
 * The single table of the product, built from lib/table-schema.ts so the deployed
 * table and DynamoDB Local always have the same keys and indexes.
 */
export class DataTable extends Construct {
  readonly table: Table;
  /** ARNs of the table's global secondary indexes, for grants that name each index. */
  readonly indexArns: string[];

  constructor(scope: Construct, id: string, props: DataTableProps) {
    super(scope, id);

    this.table = new Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: tableSchema.timeToLiveAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.AWS_MANAGED,
      deletionProtection: props.prod,
      removalPolicy: props.prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });

    for (const index of tableSchema.globalIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.indexArns = tableSchema.globalIndexes.map((index) => `${this.table.tableArn}/index/${index.name}`);
  }
}
