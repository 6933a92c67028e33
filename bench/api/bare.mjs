// The ceiling for bench/api: a bare Fastify route that answers a fixed JSON body (the same
// bytes the real route answered), in a process of its own, like the API's.
import '../lib/node24.mjs';
import Fastify from 'fastify';
import { readFileSync } from 'node:fs';

const [bodyFile, port] = process.argv.slice(2);
const body = readFileSync(bodyFile, 'utf8');
const app = Fastify();
app.get('/*', async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').send(body));
const address = await app.listen({ port: Number(port ?? 0), host: '127.0.0.1' });
process.stdout.write(`listening on ${address}\n`);
