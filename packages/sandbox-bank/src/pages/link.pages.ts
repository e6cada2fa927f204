import { html, page } from './html';

// The account-linking pages: a chat asks to be linked to the signed-in customer.

export function linkConfirmPage(input: { token: string; customerName: string }): string {
  return page({
    title: 'Link your Parley chat',
    body: html`<h1>Link Sandbox Bank to your Parley chat?</h1>
      <p>You're signed in as <strong>${input.customerName}</strong>.</p>
      <p>If you link, the Sandbox Bank assistant in the Parley chat that gave you this link can show your balances and
        transactions, lock and unlock your cards and open disputes for you. You can unlink at any time by saying
        "unlink" in the chat.</p>
      <p class="muted">Only continue if you opened this link yourself, from your own chat, just now. Never link a chat
        for a link someone else sent you: whoever has that chat would see your accounts.</p>
      <form method="post" action="/link">
        <input type="hidden" name="token" value="${input.token}">
        <button type="submit" name="decision" value="link">Link my account</button>
        <button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
      </form>
      <form method="post" action="/logout"><button type="submit" class="secondary">Not you? Sign out</button></form>`,
  });
}

export function linkDonePage(customerName: string): string {
  return page({
    title: 'Chat linked',
    body: html`<h1>Your chat is linked</h1>
      <p>Your Parley chat is now linked to ${customerName}'s Sandbox Bank account. You can close this tab and go back to the chat.</p>`,
  });
}

export function linkCancelledPage(): string {
  return page({
    title: 'Nothing linked',
    body: html`<h1>Nothing was linked</h1><p>Your chat is not linked to your account. You can close this tab.</p>`,
  });
}

/** Why a link cannot go ahead, in words for the person, and what to do instead. */
export function linkProblemPage(problem: 'invalid' | 'expired' | 'origin'): string {
  const text = {
    invalid: 'This link is not valid. Ask the chat for a new one: say "link my account".',
    expired: 'This link has expired or was already used. Links work once, for 10 minutes. Ask the chat for a new one: say "link my account".',
    origin: 'This request did not come from the Sandbox Bank website, so nothing was linked. Open the link from your chat again.',
  }[problem];
  return page({ title: 'Cannot link', body: html`<h1>We couldn't link your chat</h1><p class="error" role="alert">${text}</p>` });
}
