// opencc-js ships its OpenCC dictionaries as ES modules (`opencc-js/dict/<Name>` → dist/esm-lib/dict/<Name>.js),
// each exporting one string of "source target|source target|…" pairs, without type declarations.
declare module 'opencc-js/dict/*' {
  const dict: string;
  export default dict;
}
