// The image optimizer gets the sharp this workspace has, with its npm-packaged
// binaries, installed offline (see sst/open-next): the build downloads nothing.
import { localSharpInstall } from "sst/open-next";

export default { default: {}, imageOptimization: { install: localSharpInstall() } };
