// `node dist/bench/codec-main.js`: the in-process codec rows alone, without etcd or a server.
import { codecBench, formatCodec } from './codec.js';

console.log(formatCodec(codecBench()));
