import { Service } from "sst/node/service";

export const handler = async () => ({ url: Service.Web.url });
