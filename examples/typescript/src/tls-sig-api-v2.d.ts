// Types for Tencent's official UserSig package, which ships none.
declare module "tls-sig-api-v2" {
  export class Api {
    constructor(sdkappid: number, key: string);
    /** A UserSig for `identifier`, valid for `expire` seconds from now. */
    genSig(identifier: string, expire: number): string;
  }
}
