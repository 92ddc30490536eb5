// A host app of its own, as a backend team has one: Express, its own sessions (a cookie), and the
// chat API from `@ngx-chat/server` mounted under /chat. Serves the Vite app's build at /.
// Prints the URL it listens on.
import express from 'express';
import { createChatApi } from '@ngx-chat/server';

const sessions = new Map([['s3cr3t-session', 'ada']]);

const chat = await createChatApi({
  conversationStore: 'memory',
  demoTokenDelayMs: 5,
  logLevel: 'warn',
  authenticate: (req) => {
    const id = /(?:^|;\s*)session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    const user = id === undefined ? undefined : sessions.get(id);
    return user === undefined ? undefined : { sub: `host:${user}` };
  },
});

const app = express();
app.post('/login', (_req, res) => {
  res.cookie('session', 's3cr3t-session', { httpOnly: true, sameSite: 'strict' }).sendStatus(204);
});
app.use('/chat', chat.router);
app.use(express.static(process.argv[2]));
const server = app.listen(0, '127.0.0.1', () => console.log(`listening http://127.0.0.1:${server.address().port}`));
process.on('SIGTERM', async () => {
  server.close();
  await chat.close();
  process.exit(0);
});
