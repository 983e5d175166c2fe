import { pathToFileURL } from 'node:url';
import {
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { analyzeQuery } from '../functions/search/analysis.js';
import {
  buildDoc,
  type IndexedComment,
  type IndexedTicket,
  postingsOf,
  type SearchDoc,
} from '../functions/search/model.js';
import { IndexSearch, SEARCH_LIMITS } from '../functions/search/search-service.js';
import { DynamoSearchIndexStore } from '../functions/search/store/dynamodb-search-index-store.js';
import { dfKey, docItem, postingKey, STATS_KEY } from '../functions/search/store/search-keys.js';
import type { SearchScope } from '../functions/search/ticket-search.js';
import { progress } from './progress.js';
import {
  countDynamoCalls,
  type DynamoCall,
  measureCalls,
  sequentialRoundTrips,
} from './support/dynamo-calls.js';
import { withBenchTable } from './support/local-table.js';
import { writeBenchResult } from './support/results.js';
import { seededRandom } from './support/seeded-random.js';

const SIZES = (process.env.BENCH_SEARCH_SIZES ?? '10000,100000').split(',').map(Number);
const SAMPLES = Number(process.env.BENCH_SEARCH_SAMPLES ?? 5);
const CONCURRENCY = Number(process.env.BENCH_SEARCH_CONCURRENCY ?? 16);
const SEED = 0x5ea4c4;
/**
 * BENCH_SEARCH_FULL=1 writes every posting of every ticket. By default only the posting partitions
 * of the measured queries' terms are written (complete: every ticket holding such a term has its
 * posting there), with every doc item, every document frequency and the totals: what a query reads
 * is exactly what a full index holds, and DynamoDB's cost and latency for a partition do not depend
 * on other partitions. Likewise only the queried terms' document-frequency items are written. The full index is ~32 items a ticket, which DynamoDB Local on this machine
 * writes at ~1,200 items/s (100,000 tickets: ~45 minutes).
 */
const FULL = process.env.BENCH_SEARCH_FULL === '1';

export interface SearchQueryRow {
  tickets: number;
  query: string;
  scope: 'staff' | 'requester';
  hits: number;
  p50Ms: number;
  maxMs: number;
  calls: number;
  itemsRead: number;
  rcu: number;
  roundTrips: number;
}

export interface SearchWriteRow {
  write: string;
  items: number;
  wcu: number;
  calls: number;
}

export interface SearchBenchResult {
  sizes: { tickets: number; items: number; setupSeconds: number }[];
  /** Every posting written (BENCH_SEARCH_FULL=1), or only the measured queries' partitions. */
  fullIndex: boolean;
  queries: SearchQueryRow[];
  writes: SearchWriteRow[];
  capacityMeasured: boolean;
}

const COMMON =
  'vpn timeout printer password reset outlook email laptop screen error login account access network wifi slow crash update install license teams meeting phone headset keyboard mouse monitor docking station battery charger drive share folder permission sharepoint onedrive excel word pdf scanner toner paper jam server database backup restore certificate expired browser chrome edge firefox cache cookie proxy firewall port dns dhcp ip address gateway router switch cable badge door calendar invite mailbox quota full disk space memory cpu fan noise blue freeze reboot restart boot bios driver camera microphone audio sound video call zoom webex citrix remote desktop connection lost dropped intermittent since yesterday morning urgent broken cannot open sync fails shows message code request new user onboarding offboarding leaver joiner hardware software approval budget purchase order invoice payroll sap crm salesforce jira confluence wiki token mfa authenticator sms locked unlock expired'.split(
    ' ',
  );
const GERMAN =
  'drucker funktioniert nicht passwort zurücksetzen verbindung langsam fehler anmeldung netzwerk laufwerk freigabe zugriff bildschirm tastatur störung seit gestern morgen dringend konto gesperrt zertifikat abgelaufen'.split(
    ' ',
  );
const FRENCH =
  'imprimante fonctionne pas mot passe réinitialiser connexion lente erreur réseau accès écran clavier panne depuis hier matin urgent compte bloqué certificat expiré connexions coupées messagerie'.split(
    ' ',
  );
const FILLER =
  'the a is not and to of in it my on for with this that when after we our team please help thanks again all since today can you'.split(
    ' ',
  );
const RARE =
  'kerberos ldap radius saml oauth ipsec bgp ospf vlan qos sccm intune jamf okta splunk grafana'.split(' ');

/** Zipf-ish: low indexes far more often. */
function zipf(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(n ** random() - 1));
}

function ticketIdOf(i: number): string {
  return `INC-${String(i).padStart(6, '0')}`;
}

function generate(i: number, random: () => number): { ticket: IndexedTicket; comments: IndexedComment[] } {
  const language = random() < 0.1 ? GERMAN : random() < 0.11 ? FRENCH : COMMON;
  const word = () => language[zipf(random, language.length)]!;
  const words = (n: number) => {
    const out: string[] = [];
    for (let w = 0; w < n; w++) {
      const r = random();
      if (r < 0.3) out.push(FILLER[Math.floor(random() * FILLER.length)]!);
      else if (r < 0.31)
        out.push(
          `srv-${['db', 'app', 'web', 'fs'][Math.floor(random() * 4)]}-${Math.floor(random() * 2000)}`,
        );
      else if (r < 0.315)
        out.push(
          `0x8007${Math.floor(random() * 65536)
            .toString(16)
            .padStart(4, '0')}`,
        );
      else if (r < 0.3155) out.push(RARE[Math.floor(random() * RARE.length)]!);
      else if (r < 0.317) out.push(ticketIdOf(Math.floor(random() * Math.max(1, i))));
      else out.push(word());
    }
    return out.join(' ');
  };
  const requester = `user${Math.floor(random() * 5000)}`;
  const ticket: IndexedTicket = {
    id: ticketIdOf(i),
    version: 1,
    title: words(4 + Math.floor(random() * 5)),
    description: words(15 + Math.floor(random() * 30)),
    requester: { id: requester, email: `${requester}@example.com`, name: null },
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  };
  const comments: IndexedComment[] = [];
  const count = random() < 0.5 ? 0 : Math.floor(random() * 3);
  for (let c = 0; c < count; c++)
    comments.push({
      body: words(8 + Math.floor(random() * 20)),
      visibility: random() < 0.3 ? 'internal' : 'public',
    });
  return { ticket, comments };
}

/** Eventually consistent read capacity of one call's items, by size (0.5 RCU per 4 KB, at least 0.5). */
function derivedRcu(call: DynamoCall): number {
  return call.read === 0 && call.command !== 'Query' ? 0 : Math.max(0.5, Math.ceil(call.bytes / 4096) * 0.5);
}

async function bulkWrite(
  dynamo: DynamoDBDocumentClient,
  tableName: string,
  items: Record<string, unknown>[],
) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const batch = items.slice(next, next + 25);
      next += 25;
      let pending: unknown[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let round = 0; pending && pending.length > 0 && round < 10; round++) {
        const out: BatchWriteCommandOutput = await dynamo.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending as never } }),
        );
        pending = out.UnprocessedItems?.[tableName];
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

const QUERIES: { q: string; scope: 'staff' | 'requester' }[] = [
  { q: 'vpn timeout', scope: 'staff' },
  { q: 'printer', scope: 'staff' },
  { q: 'outlook password reset', scope: 'staff' },
  { q: 'kerberos', scope: 'staff' },
  { q: 'connexion imprimante', scope: 'staff' },
  { q: 'INC-000042', scope: 'staff' },
  { q: 'user42@example.com', scope: 'staff' },
  { q: 'vpn', scope: 'requester' },
];

export async function benchSearch(): Promise<SearchBenchResult> {
  const result: SearchBenchResult = {
    sizes: [],
    fullIndex: FULL,
    queries: [],
    writes: [],
    capacityMeasured: true,
  };
  return withBenchTable('search', async ({ dynamo, tableName }) => {
    const counter = countDynamoCalls(dynamo);
    const store = new DynamoSearchIndexStore(dynamo, tableName);
    const search = new IndexSearch(store);
    const random = seededRandom(SEED);
    const df = new Map<string, number>();
    let documents = 0;
    let totalLength = 0;
    let items = 0;
    let indexed = 0;
    const queried = new Set(
      QUERIES.flatMap(({ q }) => {
        const analysis = analyzeQuery(q);
        return analysis.ok ? analysis.terms.flatMap((term) => term.variants) : [];
      }),
    );
    const setupStarted = performance.now();
    for (const size of SIZES) {
      progress(`search: indexing tickets ${indexed + 1}–${size} (BatchWriteItem, ${CONCURRENCY} in flight)`);
      const CHUNK = 2000;
      while (indexed < size) {
        const batch: Record<string, unknown>[] = [];
        const end = Math.min(size, indexed + CHUNK);
        for (let i = indexed + 1; i <= end; i++) {
          const { ticket, comments } = generate(i, random);
          const doc: SearchDoc = buildDoc(ticket, comments);
          for (const posting of postingsOf(doc)) {
            if (FULL || queried.has(posting.term)) batch.push(postingKey(posting));
            df.set(posting.term, (df.get(posting.term) ?? 0) + 1);
          }
          batch.push(docItem(doc));
          documents++;
          totalLength += doc.length;
        }
        await bulkWrite(dynamo, tableName, batch);
        items += batch.length;
        indexed = end;
        if (indexed % 10_000 === 0) progress(`search: ${indexed} tickets, ${items} items`);
      }
      const counts = [...df]
        .filter(([term]) => FULL || queried.has(term))
        .map(([term, n]) => ({ ...dfKey(term), df: n }));
      await bulkWrite(dynamo, tableName, [...counts, { ...STATS_KEY, documents, totalLength }]);
      result.sizes.push({
        tickets: size,
        items: items + counts.length + 1,
        setupSeconds: Math.round((performance.now() - setupStarted) / 1000),
      });

      progress(`search: ${QUERIES.length} queries × ${SAMPLES} at ${size} tickets`);
      for (const { q, scope } of QUERIES) {
        const searchScope: SearchScope =
          scope === 'staff' ? { internal: true } : { requesterIds: ['user42'], internal: false };
        const latencies: number[] = [];
        let calls: DynamoCall[] = [];
        let hits = 0;
        for (let s = 0; s < SAMPLES; s++) {
          // The whole ranking (at most SEARCH_LIMITS.rankedHits): what one page of GET /tickets?q= computes.
          const {
            value: found,
            log,
            ms,
          } = await measureCalls(counter, () =>
            search.search(searchScope, q, { offset: 0, limit: SEARCH_LIMITS.rankedHits }),
          );
          latencies.push(ms);
          calls = log;
          hits = found.hits.length;
        }
        latencies.sort((a, b) => a - b);
        if (calls.some((c) => !c.capacityReturned)) result.capacityMeasured = false;
        result.queries.push({
          tickets: size,
          query: q,
          scope,
          hits,
          p50Ms: Math.round(latencies[Math.floor(latencies.length / 2)]! * 10) / 10,
          maxMs: Math.round(latencies.at(-1)! * 10) / 10,
          calls: calls.length,
          itemsRead: calls.reduce((n, c) => n + c.read, 0),
          rcu:
            Math.round(calls.reduce((n, c) => n + (c.capacityReturned ? c.rcu : derivedRcu(c)), 0) * 10) / 10,
          roundTrips: sequentialRoundTrips(calls),
        });
      }
    }

    // Index write cost: a new ticket, then one comment on it, through the indexer's store path.
    progress('search: index write cost per ticket write');
    const { ticket } = generate(SIZES.at(-1)! + 1, random);
    const created = buildDoc(ticket, []);
    const withComment = buildDoc({ ...ticket, version: 2 }, [
      { body: 'Restarted the VPN client, the timeout persists after the update', visibility: 'public' },
    ]);
    const retitled = buildDoc({ ...ticket, version: 3, title: `${ticket.title} (escalated)` }, [
      { body: 'Restarted the VPN client, the timeout persists after the update', visibility: 'public' },
    ]);
    const writeCost = async (name: string, previous: SearchDoc | undefined, next: SearchDoc) => {
      const { log } = await measureCalls(counter, () => store.replace(previous, next));
      const docBytes = JSON.stringify(docItem(next)).length;
      // Where no capacity is returned: postings are < 1 KB (1 WCU each); the doc is also in byRequester.
      const wcu = log.reduce((n, c) => {
        if (c.capacityReturned) return n + c.wcu;
        if (c.command === 'Put') return n + 2 * Math.ceil(docBytes / 1024);
        return n + c.written;
      }, 0);
      result.writes.push({
        write: name,
        items: log.reduce((n, c) => n + c.written, 0),
        wcu: Math.round(wcu * 10) / 10,
        calls: log.length,
      });
    };
    await writeCost('ticket created (title + description)', undefined, created);
    await writeCost('comment added', created, withComment);
    await writeCost('title edited', withComment, retitled);
    return result;
  });
}

export function printSearch(result: SearchBenchResult): void {
  console.log('\n## Full-text search (DynamoDB Local)\n');
  console.log(
    result.fullIndex
      ? 'Every posting of every ticket written.\n'
      : "Postings and document frequencies written only for the measured queries' terms (complete partitions), with every doc and the totals (BENCH_SEARCH_FULL=1: all).\n",
  );
  console.log('| tickets | index items written | setup (s, cumulative) |\n|---:|---:|---:|');
  for (const s of result.sizes) console.log(`| ${s.tickets} | ${s.items} | ${s.setupSeconds} |`);
  console.log(
    `\n| tickets | query | scope | ranked hits (≤ 500) | p50 ms | max ms | calls | items read | RCU${result.capacityMeasured ? '' : ' (derived)'} | round trips |\n|---:|---|---|---:|---:|---:|---:|---:|---:|---:|`,
  );
  for (const r of result.queries) {
    console.log(
      `| ${r.tickets} | \`${r.query}\` | ${r.scope} | ${r.hits} | ${r.p50Ms} | ${r.maxMs} | ${r.calls} | ${r.itemsRead} | ${r.rcu} | ${r.roundTrips} |`,
    );
  }
  console.log('\n| index write (asynchronous) | items written | WCU | calls |\n|---|---:|---:|---:|');
  for (const w of result.writes) console.log(`| ${w.write} | ${w.items} | ${w.wcu} | ${w.calls} |`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await benchSearch();
  printSearch(result);
  await writeBenchResult('search', result);
}
