// OpenNext would download sharp for the image optimization function while it builds;
// this installs the sharp npm already put in node_modules instead, so the build works
// offline. Without this file OpenNext behaves as it does for SST v2.
import { localSharpInstall } from "sst/open-next";

export default { default: {}, imageOptimization: { install: localSharpInstall() } };
