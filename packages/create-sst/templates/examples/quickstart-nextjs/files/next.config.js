/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // create-sst (this repository's): `sst` here is TypeScript source whose imports end in
  // ".js" (no build step), which webpack only compiles when told to; SST v2's published
  // sst is JavaScript and its quickstart needed neither setting.
  transpilePackages: ["sst"],
  webpack(config) {
    config.resolve.extensionAlias = { ".js": [".ts", ".js"] };
    return config;
  },
}

module.exports = nextConfig
