// A product team's use of the element from npm, type-checked with tsc: the element, its
// properties and its events, typed by the package.
import 'ngx-chat';
import { CHAT_STATUS, type NgxChatMessageEvent } from 'ngx-chat';

const chat = document.createElement('ngx-chat');
chat.apiUrl = '/chat';
// The host app's session, turned into a token by the mounted API.
chat.tokenUrl = '/chat/auth/session';
chat.mode = 'inline';
chat.instanceId = 'package-app';
chat.style.height = '600px';

const replies: string[] = [];
chat.addEventListener('ngx-chat-message', (event: NgxChatMessageEvent) => {
  const text: string = event.text;
  replies.push(text);
  document.body.dataset.replies = String(replies.length);
});
chat.addEventListener('ngx-chat-status', (event) => {
  const busy: boolean = event.status !== CHAT_STATUS.idle;
  document.body.dataset.busy = String(busy);
});
chat.addEventListener('ngx-chat-error', (event) => {
  document.body.dataset.error = event.error.code;
});

document.querySelector('#app')!.append(chat);
