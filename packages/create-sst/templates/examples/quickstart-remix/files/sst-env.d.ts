/// <reference path="./.sst/types/index.ts" />
