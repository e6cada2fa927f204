/** "Notices from <bank>": the person's opt-in to a bank's notices, off until switched on. */
import { useEffect, useId, useState } from 'react';
import { describeError } from '../api/http.client';
import { useChatState, useChatStore } from '../live/chat.context';
import { SwitchFeedback, SwitchRow } from '../ui/switch.row';
import { isFollowing } from './notice.state';
import '../alerts/alerts.css';
import './notices.css';

export function noticeSwitchDescription(name: string): string {
  return `Messages ${name} sends to everyone who follows it, such as planned maintenance. ${name} does not learn that you follow.`;
}

/** `framed`: a bordered box of its own (on the Alerts page, under the bank's alert switches). */
export function NoticeSwitch(props: { businessId: string; name: string; framed?: boolean }) {
  const { businessId, name } = props;
  const store = useChatStore();
  const { notices } = useChatState();
  const following = isFollowing(notices, businessId);
  const known = notices.follows !== null;
  // While saving, the switch shows where it is going; once saved (or refused) the store's truth again.
  const [saving, setSaving] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const id = useId();
  // The list failed to load when the app started (it is off until known): ask again.
  useEffect(() => {
    if (!known) void store.notices.refreshFollows();
  }, [store, known]);

  const flip = async (on: boolean): Promise<void> => {
    setSaving(on);
    setError(null);
    try {
      const saved = await store.notices.setFollowing(businessId, on);
      setSaid(`Notices from ${name}: ${saved.following ? 'on' : 'off'}.`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(null);
    }
  };

  return (
    <div className={props.framed ? 'notice-switch framed' : 'notice-switch'}>
      <SwitchRow
        as="div"
        id={id}
        title={`Notices from ${name}`}
        description={noticeSwitchDescription(name)}
        checked={saving ?? following}
        disabled={saving !== null || !known}
        onFlip={(on) => void flip(on)}
      />
      <SwitchFeedback error={error} said={said} />
    </div>
  );
}
