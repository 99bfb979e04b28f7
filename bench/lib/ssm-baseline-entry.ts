/** The floor a consumer's bundle is measured against: the SSM client built at module scope, nothing else. */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

const ssm = new SSMClient({});

export async function handler(): Promise<unknown> {
  return ssm.send(new GetParameterCommand({ Name: '/faspay/sendme/access-token', WithDecryption: true }));
}
