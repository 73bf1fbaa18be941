// The AWS services that AWS's own published Automation runbooks call through
// aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty, under
// boto3's names, with the SDK v3 package that Drover installs for each and the number of
// runbooks that call it. Data derived from every AWS-owned schemaVersion 0.3 document (497)
// of a public weekly dump of `aws ssm get-document` (the documents themselves are not
// kept here); `drover conformance <folder> --json` measures it again over any folder
// (`services` of each row). test/unit/lang/aws-services.test.ts checks that each is installed.
export interface PublishedService {
  package: string;
  /** How many of the 497 documents call it. */
  documents: number;
}

export const PUBLISHED_RUNBOOK_SERVICES: Record<string, PublishedService> = {
  accessanalyzer: { package: '@aws-sdk/client-accessanalyzer', documents: 1 },
  apigatewayv2: { package: '@aws-sdk/client-apigatewayv2', documents: 1 },
  'application-autoscaling': { package: '@aws-sdk/client-application-auto-scaling', documents: 1 },
  appsync: { package: '@aws-sdk/client-appsync', documents: 1 },
  athena: { package: '@aws-sdk/client-athena', documents: 3 },
  autoscaling: { package: '@aws-sdk/client-auto-scaling', documents: 7 },
  backup: { package: '@aws-sdk/client-backup', documents: 2 },
  cloudformation: { package: '@aws-sdk/client-cloudformation', documents: 27 },
  cloudtrail: { package: '@aws-sdk/client-cloudtrail', documents: 5 },
  cloudwatch: { package: '@aws-sdk/client-cloudwatch', documents: 41 },
  codebuild: { package: '@aws-sdk/client-codebuild', documents: 1 },
  codedeploy: { package: '@aws-sdk/client-codedeploy', documents: 1 },
  config: { package: '@aws-sdk/client-config-service', documents: 6 },
  connect: { package: '@aws-sdk/client-connect', documents: 2 },
  docdb: { package: '@aws-sdk/client-docdb', documents: 9 },
  ds: { package: '@aws-sdk/client-directory-service', documents: 3 },
  dynamodb: { package: '@aws-sdk/client-dynamodb', documents: 9 },
  ec2: { package: '@aws-sdk/client-ec2', documents: 90 },
  ecs: { package: '@aws-sdk/client-ecs', documents: 2 },
  efs: { package: '@aws-sdk/client-efs', documents: 4 },
  eks: { package: '@aws-sdk/client-eks', documents: 6 },
  elasticbeanstalk: { package: '@aws-sdk/client-elastic-beanstalk', documents: 2 },
  elb: { package: '@aws-sdk/client-elastic-load-balancing', documents: 4 },
  elbv2: { package: '@aws-sdk/client-elastic-load-balancing-v2', documents: 5 },
  emr: { package: '@aws-sdk/client-emr', documents: 1 },
  events: { package: '@aws-sdk/client-eventbridge', documents: 1 },
  firehose: { package: '@aws-sdk/client-firehose', documents: 1 },
  fsx: { package: '@aws-sdk/client-fsx', documents: 1 },
  glue: { package: '@aws-sdk/client-glue', documents: 1 },
  guardduty: { package: '@aws-sdk/client-guardduty', documents: 1 },
  iam: { package: '@aws-sdk/client-iam', documents: 12 },
  identitystore: { package: '@aws-sdk/client-identitystore', documents: 1 },
  inspector2: { package: '@aws-sdk/client-inspector2', documents: 1 },
  kafka: { package: '@aws-sdk/client-kafka', documents: 1 },
  kinesis: { package: '@aws-sdk/client-kinesis', documents: 1 },
  kms: { package: '@aws-sdk/client-kms', documents: 5 },
  lambda: { package: '@aws-sdk/client-lambda', documents: 13 },
  logs: { package: '@aws-sdk/client-cloudwatch-logs', documents: 1 },
  'migration-hub-refactor-spaces': { package: '@aws-sdk/client-migration-hub-refactor-spaces', documents: 1 },
  mwaa: { package: '@aws-sdk/client-mwaa', documents: 1 },
  neptune: { package: '@aws-sdk/client-neptune', documents: 3 },
  ram: { package: '@aws-sdk/client-ram', documents: 1 },
  rds: { package: '@aws-sdk/client-rds', documents: 31 },
  redshift: { package: '@aws-sdk/client-redshift', documents: 9 },
  s3: { package: '@aws-sdk/client-s3', documents: 16 },
  s3control: { package: '@aws-sdk/client-s3-control', documents: 1 },
  sagemaker: { package: '@aws-sdk/client-sagemaker', documents: 1 },
  secretsmanager: { package: '@aws-sdk/client-secrets-manager', documents: 2 },
  securityhub: { package: '@aws-sdk/client-securityhub', documents: 1 },
  'service-quotas': { package: '@aws-sdk/client-service-quotas', documents: 1 },
  sesv2: { package: '@aws-sdk/client-sesv2', documents: 1 },
  sns: { package: '@aws-sdk/client-sns', documents: 2 },
  sqs: { package: '@aws-sdk/client-sqs', documents: 9 },
  ssm: { package: '@aws-sdk/client-ssm', documents: 57 },
  'sso-admin': { package: '@aws-sdk/client-sso-admin', documents: 1 },
  stepfunctions: { package: '@aws-sdk/client-sfn', documents: 1 },
  sts: { package: '@aws-sdk/client-sts', documents: 1 },
  waf: { package: '@aws-sdk/client-waf', documents: 1 },
  'waf-regional': { package: '@aws-sdk/client-waf-regional', documents: 1 },
  workspaces: { package: '@aws-sdk/client-workspaces', documents: 3 },
  xray: { package: '@aws-sdk/client-xray', documents: 1 },
};
