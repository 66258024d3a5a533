/**
 * Built-in connectors that need no credentials, and connectors that are listed but not usable yet.
 * The coming-soon OAuth entries carry the vendors' real, fixed default endpoints.
 */
import type { ConnectorDefinition } from '../connector.types';

export const otherConnectors: ConnectorDefinition[] = [
  {
    slug: 'web-fetch',
    name: 'Web Fetch',
    description: 'Fetch public web pages and read them as text, without any account.',
    authType: 'none',
    availability: 'available',
    tools: [
      { name: 'fetch_page', description: 'Fetch a public URL and return its main content as Markdown text.' },
      {
        name: 'fetch_raw',
        description: 'Fetch a public URL and return the raw response body and content type.',
      },
      { name: 'extract_links', description: 'Fetch a public page and list the links it contains.' },
    ],
  },
  {
    slug: 'wikipedia',
    name: 'Wikipedia',
    description: 'Search Wikipedia and read article summaries and full text through the public API.',
    authType: 'none',
    availability: 'available',
    tools: [
      { name: 'search_articles', description: 'Search articles by keywords in a given language edition.' },
      { name: 'get_summary', description: 'Get the lead summary of an article.' },
      { name: 'get_article', description: 'Get the full plain text of an article.' },
      { name: 'get_article_links', description: 'List the articles an article links to.' },
    ],
  },
  {
    slug: 'hacker-news',
    name: 'Hacker News',
    description: 'Read Hacker News stories and comment threads, and search past posts.',
    authType: 'none',
    availability: 'available',
    tools: [
      {
        name: 'list_top_stories',
        description: 'List the current top, new, best, Ask HN or Show HN stories.',
      },
      { name: 'get_item', description: 'Get a story or comment by id.' },
      { name: 'get_comment_thread', description: 'Get a story with its nested comment tree.' },
      { name: 'search', description: 'Search past stories and comments by keywords and date.' },
      { name: 'get_user', description: 'Get the profile and recent submissions of a user.' },
    ],
  },
  {
    slug: 'arxiv',
    name: 'arXiv',
    description: 'Search arXiv preprints and read their abstracts and metadata.',
    authType: 'none',
    availability: 'available',
    tools: [
      { name: 'search_papers', description: 'Search papers by keywords, author, title or category.' },
      {
        name: 'get_paper',
        description: 'Get the title, authors, abstract and links of a paper by arXiv id.',
      },
      { name: 'list_recent_papers', description: 'List the most recent submissions in a category.' },
    ],
  },
  {
    slug: 'salesforce',
    name: 'Salesforce',
    description:
      'Query and update Salesforce CRM records such as accounts, contacts, leads and opportunities.',
    authType: 'oauth',
    availability: 'coming_soon',
    availabilityReason:
      'Needs a per-connection instance hostname (My Domain or sandbox), not collected by the gateway yet.',
    tools: [
      { name: 'run_soql_query', description: 'Run a SOQL query and return the matching records.' },
      { name: 'search_records', description: 'Search records across objects with SOSL.' },
      { name: 'get_record', description: 'Get one record of an object by id.' },
      { name: 'create_record', description: 'Create a record of an object.' },
      { name: 'update_record', description: 'Update fields of a record.' },
    ],
    oauth: {
      authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
      tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
      scopes: ['api', 'refresh_token'],
      revocationUrl: 'https://login.salesforce.com/services/oauth2/revoke',
      authorizationParams: { prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'intercom',
    name: 'Intercom',
    description: 'Read and reply to Intercom conversations and look up contacts.',
    authType: 'oauth',
    availability: 'coming_soon',
    availabilityReason:
      'EU and Australian workspaces use regional hosts, which the gateway cannot pick per connection yet.',
    tools: [
      { name: 'search_conversations', description: 'Search conversations by state, assignee or contact.' },
      { name: 'get_conversation', description: 'Get one conversation with all its parts.' },
      { name: 'reply_to_conversation', description: 'Reply to a conversation as an admin, or add a note.' },
      { name: 'search_contacts', description: 'Search contacts by email, name or attribute.' },
    ],
    oauth: {
      authorizationUrl: 'https://app.intercom.com/oauth',
      tokenUrl: 'https://api.intercom.io/auth/eagle/token',
      scopes: [],
      pkce: true,
    },
  },
  {
    slug: 'quickbooks',
    name: 'QuickBooks Online',
    description: 'Read and create QuickBooks Online customers, invoices and payments.',
    authType: 'oauth',
    availability: 'coming_soon',
    availabilityReason:
      'API calls need the company realmId sent on the OAuth callback, which the gateway does not store yet.',
    tools: [
      {
        name: 'query_entities',
        description: 'Run a QuickBooks query over customers, invoices, bills or other entities.',
      },
      { name: 'get_invoice', description: 'Get one invoice with its lines and balance.' },
      { name: 'create_invoice', description: 'Create an invoice for a customer.' },
      { name: 'create_customer', description: 'Create a customer.' },
      { name: 'get_profit_and_loss', description: 'Get the profit and loss report for a date range.' },
    ],
    oauth: {
      authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
      tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
      scopes: ['com.intuit.quickbooks.accounting'],
      pkce: true,
    },
  },
];
