#!/usr/bin/env bash
# Rebuilds fixtures/<app>/*.template.json with SST v2 itself: installs sst@2.49.8 in a
# scratch folder outside the repository, starts this repository's `sst local`, gives
# it the two bootstrap stacks `sst build` looks up (CDKToolkit and SSTBootstrap), and
# runs `sst build --stage ref` on each parity app. Needs the npm registry.
#   usage: make-reference.sh [scratch-dir]   (default /tmp/sst-v2-reference)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../../../.." && pwd)"
scratch="${1:-/tmp/sst-v2-reference}"
mkdir -p "$scratch"
cd "$scratch"
[ -f package.json ] || echo '{ "name": "sst-v2-reference", "private": true, "type": "module" }' > package.json
# The app code imports these; SST v2 bundles them.
npm install --no-audit --no-fund sst@2.49.8 aws-cdk-lib@2.224.0 constructs@10.3.0 \
  @aws-sdk/client-dynamodb@3.699.0 @aws-sdk/lib-dynamodb@3.699.0 @aws-sdk/client-s3@3.699.0 \
  @aws-sdk/s3-request-presigner@3.699.0 @aws-sdk/client-sqs@3.699.0 @aws-sdk/client-sns@3.699.0 \
  @aws-sdk/client-apigatewaymanagementapi@3.699.0 >/dev/null

node "$repo/packages/sst/bin/sst.mjs" local --port 0 --dir "$scratch/local-state" > local.log 2>&1 &
cloud=$!
trap 'kill $cloud 2>/dev/null || true' EXIT
for _ in $(seq 60); do grep -q Ready local.log && break; sleep 1; done
endpoint="$(sed -n 's/.*Endpoint: *//p' local.log)"
export AWS_ENDPOINT_URL="$endpoint" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 SST_TELEMETRY_DISABLED=1

cat > cdk-bootstrap.json <<'JSON'
{"Resources":{"StagingBucket":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"cdk-hnb659fds-assets-000000000000-us-east-1"}}},
 "Outputs":{"BucketName":{"Value":{"Ref":"StagingBucket"}},"BootstrapVersion":{"Value":"21"}}}
JSON
cat > sst-bootstrap.json <<'JSON'
{"Resources":{"Bucket":{"Type":"AWS::S3::Bucket","Properties":{"BucketName":"sstbootstrap-ref-bucket"}}},
 "Outputs":{"BucketName":{"Value":{"Ref":"Bucket"}},"Version":{"Value":"7.4"}}}
JSON
aws cloudformation deploy --stack-name CDKToolkit --template-file cdk-bootstrap.json >/dev/null
aws cloudformation deploy --stack-name SSTBootstrap --template-file sst-bootstrap.json >/dev/null

build() { # build <name> <app dir>
  rm -rf "apps/$1" && mkdir -p apps && cp -r "$2" "apps/$1" && rm -rf "apps/$1/.sst" "apps/$1/node_modules"
  (cd "apps/$1" && node "$scratch/node_modules/sst/cli/sst.js" build --stage ref)
  rm -rf "$here/fixtures/$1" && mkdir -p "$here/fixtures/$1"
  cp "apps/$1"/.sst/dist/*.template.json "$here/fixtures/$1/"
}

# SST v2 refuses the seed's `maxBatchingWindow: "30 seconds"` (CDK wants a Duration);
# its reference is built with Duration.seconds(30), which is the same template.
rm -rf seed && cp -r "$repo/examples/my-app" seed
sed -i 's/maxBatchingWindow: "30 seconds"/maxBatchingWindow: Duration.seconds(30)/; 1i import { Duration } from "aws-cdk-lib";' seed/stacks/Queue.ts
build my-app seed
for app in events-app api-app functions-app service-app; do build "$app" "$here/apps/$app"; done
# Apps written from SST v2's docs for the end-to-end tests (tests/user-*-app.test.ts).
for app in user-pipeline-app user-auth-app user-notify-app; do build "$app" "$repo/tests/fixtures/$app"; done
echo "fixtures written to $here/fixtures"
