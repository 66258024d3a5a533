/**
 * Built-in API-key connectors. Credential fields follow the shared provider facts (providers.json) (credentials
 * plus the per-connection settings the runtime needs to reach the API); a `pattern` is set only where the
 * key format is well known and stable, and always matches the whole value.
 */
import type { ConnectorDefinition } from '../connector.types';

export const apiKeyConnectors: ConnectorDefinition[] = [
  {
    slug: 'openai',
    name: 'OpenAI',
    description: 'Call OpenAI models to generate text, embeddings, images and transcriptions.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'create_response', description: 'Generate a model response from a prompt or conversation.' },
      { name: 'create_embeddings', description: 'Compute embedding vectors for one or more texts.' },
      { name: 'generate_image', description: 'Generate an image from a text prompt.' },
      { name: 'transcribe_audio', description: 'Transcribe an audio file into text.' },
      { name: 'list_models', description: 'List the models available to the API key.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your OpenAI account',
        pattern: '^sk-[A-Za-z0-9_-]{20,}$',
      },
    ],
  },
  {
    slug: 'anthropic',
    name: 'Anthropic',
    description: 'Call Anthropic Claude models to generate text and count tokens.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      {
        name: 'create_message',
        description: 'Generate a Claude response from a system prompt and messages.',
      },
      { name: 'count_tokens', description: 'Count the input tokens of a message request before sending it.' },
      { name: 'list_models', description: 'List the models available to the API key.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Anthropic account',
        pattern: '^sk-ant-[A-Za-z0-9_-]{20,}$',
      },
    ],
  },
  {
    slug: 'stripe',
    name: 'Stripe',
    description: 'Look up Stripe customers, payments, invoices and subscriptions, and issue refunds.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'search_customers', description: 'Search customers by email, name or metadata.' },
      { name: 'list_payments', description: 'List recent payment intents, optionally for one customer.' },
      { name: 'list_invoices', description: 'List invoices, filtered by customer or status.' },
      { name: 'list_subscriptions', description: 'List subscriptions, filtered by customer or status.' },
      { name: 'create_refund', description: 'Refund all or part of a payment.' },
      { name: 'get_balance', description: 'Get the available and pending balance of the account.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'Secret or Restricted API Key',
        required: true,
        secret: true,
        description: 'A Stripe secret key (sk_...) or, preferably, a restricted key (rk_...)',
        pattern: '^(sk|rk)_(live|test)_[A-Za-z0-9]{10,}$',
      },
    ],
  },
  {
    slug: 'sendgrid',
    name: 'SendGrid',
    description: 'Send transactional email through Twilio SendGrid and manage marketing contacts.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'send_email', description: 'Send an email, optionally from a dynamic template.' },
      { name: 'list_templates', description: 'List the dynamic email templates.' },
      { name: 'add_contacts', description: 'Add or update marketing contacts, optionally in a list.' },
      { name: 'search_contacts', description: 'Search marketing contacts with a query.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Sendgrid account',
        pattern: '^SG\\.[A-Za-z0-9_-]{16,}\\.[A-Za-z0-9_-]{16,}$',
      },
    ],
  },
  {
    slug: 'twilio',
    name: 'Twilio',
    description: 'Send SMS and WhatsApp messages and read message history with Twilio.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'send_sms', description: 'Send an SMS from one of the account numbers.' },
      {
        name: 'send_whatsapp_message',
        description: 'Send a WhatsApp message from a WhatsApp-enabled sender.',
      },
      { name: 'list_messages', description: 'List sent and received messages, filtered by number or date.' },
      { name: 'get_message', description: 'Get the status and content of one message.' },
      { name: 'list_phone_numbers', description: 'List the phone numbers of the account.' },
    ],
    credentialFields: [
      {
        key: 'accountSid',
        label: 'Account SID',
        required: true,
        secret: false,
        description: 'Your Twilio Account SID',
        pattern: '^AC[0-9a-fA-F]{32}$',
      },
      {
        key: 'authToken',
        label: 'Auth Token',
        required: true,
        secret: true,
        description: 'Your Twilio Auth Token',
      },
    ],
  },
  {
    slug: 'mailgun',
    name: 'Mailgun',
    description: 'Send email through Mailgun and look up delivery events.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'send_email', description: 'Send an email from one of the sending domains.' },
      { name: 'list_domains', description: 'List the sending domains of the account.' },
      { name: 'list_events', description: 'List delivery, open, click and failure events for a domain.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'Private API Key',
        required: true,
        secret: true,
        description: 'Your Mailgun private API key (sent as the Basic auth password, with user "api")',
      },
      {
        key: 'region',
        label: 'Region',
        required: false,
        secret: false,
        description:
          'The region of your Mailgun account: us (api.mailgun.net, the default) or eu (api.eu.mailgun.net)',
        pattern: '^(us|eu)$',
      },
    ],
  },
  {
    slug: 'resend',
    name: 'Resend',
    description: 'Send email through Resend and check its delivery status.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'send_email', description: 'Send an email from a verified domain.' },
      { name: 'get_email', description: 'Get the delivery status of a sent email.' },
      { name: 'list_domains', description: 'List the sending domains and their verification status.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'Your Resend API key.',
        pattern: '^re_[A-Za-z0-9_]+$',
      },
    ],
  },
  {
    slug: 'perplexity',
    name: 'Perplexity',
    description: 'Ask Perplexity Sonar models questions answered from live web search, with citations.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      {
        name: 'ask',
        description: 'Answer a question with a web-grounded Sonar model and return its citations.',
      },
      { name: 'search_web', description: 'Return ranked web search results for a query.' },
      { name: 'deep_research', description: 'Produce a long, cited research report on a topic.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Perplexity account',
        pattern: '^pplx-[a-zA-Z0-9]+$',
      },
    ],
  },
  {
    slug: 'replicate',
    name: 'Replicate',
    description: 'Run open-source models hosted on Replicate for images, audio, video and text.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'search_models', description: 'Search public models by name or task.' },
      { name: 'get_model', description: 'Get a model with its latest version and input schema.' },
      { name: 'create_prediction', description: 'Start a prediction with a model and inputs.' },
      { name: 'get_prediction', description: 'Get the status and output of a prediction.' },
      { name: 'cancel_prediction', description: 'Cancel a running prediction.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Token',
        required: true,
        secret: true,
        description: 'The API token for your Replicate account',
      },
    ],
  },
  {
    slug: 'algolia',
    name: 'Algolia',
    description: 'Search Algolia indices and add, update or delete their records.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'list_indices', description: 'List the indices of the application.' },
      { name: 'search_index', description: 'Search an index with a query, filters and facets.' },
      { name: 'get_object', description: 'Get one record of an index by objectID.' },
      { name: 'save_objects', description: 'Add or replace records in an index.' },
      { name: 'delete_object', description: 'Delete one record of an index by objectID.' },
    ],
    credentialFields: [
      {
        key: 'applicationId',
        label: 'Application ID',
        required: true,
        secret: false,
        description: 'The application ID for your Algolia account',
        pattern: '^[A-Z0-9]{10}$',
      },
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Algolia account',
      },
    ],
  },
  {
    slug: 'datadog',
    name: 'Datadog',
    description: 'Query Datadog metrics and logs, inspect monitors and post events.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'query_metrics', description: 'Query a metric time series over a time range.' },
      { name: 'search_logs', description: 'Search logs with a query over a time range.' },
      { name: 'list_monitors', description: 'List monitors and their current status.' },
      { name: 'get_monitor', description: 'Get one monitor with its query, thresholds and state.' },
      { name: 'post_event', description: 'Post an event to the event stream.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Datadog account.',
        pattern: '^[a-f0-9]{32}$',
      },
      {
        key: 'applicationKey',
        label: 'Application Key',
        required: true,
        secret: true,
        description: 'The application key required for read data access.',
      },
      {
        key: 'site',
        label: 'Site',
        required: true,
        secret: false,
        description:
          'The Datadog site of your account, e.g. datadoghq.com, us3.datadoghq.com or datadoghq.eu.',
      },
    ],
  },
  {
    slug: 'sentry',
    name: 'Sentry',
    description: 'Find Sentry issues and their events, and resolve or assign them.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'list_projects', description: 'List the projects of the organization.' },
      {
        name: 'search_issues',
        description: 'Search issues of a project or organization with a Sentry query.',
      },
      {
        name: 'get_issue',
        description: 'Get one issue with its counts, tags and first and last seen times.',
      },
      { name: 'get_latest_event', description: 'Get the latest event of an issue with its stack trace.' },
      { name: 'update_issue', description: 'Resolve, ignore or assign an issue.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'Auth Token',
        required: true,
        secret: true,
        description: 'The Authentication token for your Sentry account',
      },
      {
        key: 'hostname',
        label: 'Hostname',
        required: false,
        secret: false,
        description:
          'The Hostname of your Sentry account: sentry.io (default), us.sentry.io or de.sentry.io.',
        pattern: '^([a-z0-9-]+\\.)?sentry\\.io$',
      },
    ],
  },
  {
    slug: 'brevo',
    name: 'Brevo',
    description: 'Send transactional email with Brevo and manage contacts.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'send_email', description: 'Send a transactional email, optionally from a template.' },
      { name: 'get_contact', description: 'Get a contact by email or id.' },
      { name: 'create_contact', description: 'Create a contact, optionally in one or more lists.' },
      { name: 'update_contact', description: 'Update the attributes or lists of a contact.' },
      { name: 'list_templates', description: 'List the transactional email templates.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Brevo account',
      },
    ],
  },
  {
    slug: 'elevenlabs',
    name: 'ElevenLabs',
    description: 'Turn text into speech and transcribe audio with ElevenLabs voices and models.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'list_voices', description: 'List the voices available to the account.' },
      { name: 'text_to_speech', description: 'Generate speech audio from text with a voice.' },
      { name: 'speech_to_text', description: 'Transcribe an audio file into text.' },
      { name: 'get_subscription', description: 'Get the character quota and usage of the account.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your ElevenLabs account',
      },
    ],
  },
  {
    slug: 'exa',
    name: 'Exa',
    description: 'Search the web with Exa and fetch clean page contents for research.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'search', description: 'Search the web by meaning or keywords and return ranked results.' },
      { name: 'get_contents', description: 'Fetch the text, highlights or summary of given URLs.' },
      { name: 'find_similar', description: 'Find pages similar to a given URL.' },
      { name: 'answer', description: 'Answer a question from web search results, with citations.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Exa account',
      },
    ],
  },
  {
    slug: 'apollo',
    name: 'Apollo',
    description: 'Search Apollo.io for people and companies and enrich contact data.',
    authType: 'api_key',
    availability: 'available',
    tools: [
      { name: 'search_people', description: 'Search people by title, company, location or seniority.' },
      { name: 'enrich_person', description: 'Enrich a person from an email, name or LinkedIn URL.' },
      { name: 'search_organizations', description: 'Search companies by name, domain, industry or size.' },
      { name: 'enrich_organization', description: 'Enrich a company from its domain.' },
    ],
    credentialFields: [
      {
        key: 'apiKey',
        label: 'API Key',
        required: true,
        secret: true,
        description: 'The API key for your Apollo account',
      },
    ],
  },
];
