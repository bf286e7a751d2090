// prom-client's files the server imports one by one (src/observability/prom.ts types each with the package's own types).
declare module 'prom-client/lib/*.js' {
  const exported: unknown;
  export default exported;
}
