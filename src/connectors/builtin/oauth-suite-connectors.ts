/**
 * Built-in OAuth 2.0 connectors: code hosts and the Google and Microsoft office suites. Endpoints,
 * PKCE, clientAuth and authorizationParams come from the providers' facts as Nango's public
 * provider catalog records them; scopes are the providers' documented scope strings for the listed
 * tools. `response_type` and `grant_type` are left out of the extra params: the gateway sends them
 * itself.
 */
import type { ConnectorDefinition } from '../connector.types';

export const oauthSuiteConnectors: ConnectorDefinition[] = [
  {
    slug: 'github',
    name: 'GitHub',
    description: 'Search repositories, read code, and manage issues and pull requests on GitHub.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      {
        name: 'search_repositories',
        description: 'Search GitHub repositories by keywords, owner or language.',
      },
      {
        name: 'get_file_contents',
        description: 'Read a file or list a directory at a given ref of a repository.',
      },
      {
        name: 'list_issues',
        description: 'List the issues of a repository, filtered by state, label or assignee.',
      },
      { name: 'get_issue', description: 'Get one issue with its body, labels and comments.' },
      { name: 'create_issue', description: 'Open a new issue in a repository.' },
      { name: 'add_issue_comment', description: 'Comment on an issue or a pull request.' },
      {
        name: 'list_pull_requests',
        description: 'List the pull requests of a repository, filtered by state.',
      },
      { name: 'create_pull_request', description: 'Open a pull request from one branch into another.' },
    ],
    oauth: {
      authorizationUrl: 'https://github.com/login/oauth/authorize',
      tokenUrl: 'https://github.com/login/oauth/access_token',
      scopes: ['repo', 'read:user', 'user:email', 'read:org'],
      pkce: true,
    },
  },
  {
    slug: 'gitlab',
    name: 'GitLab',
    description: 'Browse projects and files, and manage issues and merge requests on GitLab.com.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'list_projects', description: 'List the projects the user is a member of.' },
      { name: 'get_file', description: 'Read a file from a project repository at a given ref.' },
      { name: 'list_issues', description: 'List the issues of a project, filtered by state or label.' },
      { name: 'create_issue', description: 'Create a new issue in a project.' },
      { name: 'add_issue_note', description: 'Add a comment to an issue.' },
      {
        name: 'list_merge_requests',
        description: 'List the merge requests of a project, filtered by state.',
      },
      { name: 'get_merge_request', description: 'Get one merge request with its description and changes.' },
    ],
    oauth: {
      authorizationUrl: 'https://gitlab.com/oauth/authorize',
      tokenUrl: 'https://gitlab.com/oauth/token',
      scopes: ['api', 'read_user'],
      revocationUrl: 'https://gitlab.com/oauth/revoke',
      pkce: true,
    },
  },
  {
    slug: 'bitbucket',
    name: 'Bitbucket',
    description: 'Browse Bitbucket Cloud repositories and work with pull requests and issues.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'list_repositories', description: 'List the repositories of a workspace.' },
      { name: 'get_file', description: 'Read a file from a repository at a given commit or branch.' },
      {
        name: 'list_pull_requests',
        description: 'List the pull requests of a repository, filtered by state.',
      },
      { name: 'get_pull_request', description: 'Get one pull request with its description and diffstat.' },
      { name: 'create_pull_request', description: 'Open a pull request from one branch into another.' },
      { name: 'add_pull_request_comment', description: 'Comment on a pull request.' },
    ],
    oauth: {
      authorizationUrl: 'https://bitbucket.org/site/oauth2/authorize',
      tokenUrl: 'https://bitbucket.org/site/oauth2/access_token',
      scopes: ['account', 'repository', 'pullrequest:write'],
      pkce: true,
    },
  },
  {
    slug: 'google-drive',
    name: 'Google Drive',
    description: 'Search, read and export files in Google Drive, and upload new ones.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'search_files', description: 'Search Drive files by name, full text, type or folder.' },
      {
        name: 'get_file_metadata',
        description: 'Get the metadata of a file: name, type, owners, links and dates.',
      },
      { name: 'read_file_content', description: 'Download the content of a stored (non-Google) file.' },
      {
        name: 'export_document',
        description: 'Export a Google Doc, Sheet or Slides file as text, PDF or CSV.',
      },
      { name: 'upload_file', description: 'Create a new file in Drive with the given content.' },
      { name: 'create_folder', description: 'Create a folder in Drive.' },
    ],
    oauth: {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: [
        'https://www.googleapis.com/auth/drive.readonly',
        'https://www.googleapis.com/auth/drive.file',
      ],
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      // Google's revocation ends every grant of the user and app: the new one with the old.
      revokeReplacedGrant: false,
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'google-mail',
    name: 'Gmail',
    description: 'Search and read Gmail messages, draft and send email, and label messages.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'search_messages', description: 'Search messages with Gmail query syntax.' },
      { name: 'get_message', description: 'Get one message with its headers, body and attachment list.' },
      { name: 'get_thread', description: 'Get all messages of a conversation thread.' },
      { name: 'send_message', description: 'Send an email, optionally as a reply in an existing thread.' },
      { name: 'create_draft', description: 'Save an email as a draft without sending it.' },
      { name: 'list_labels', description: 'List the labels of the mailbox.' },
      {
        name: 'modify_message_labels',
        description: 'Add or remove labels on a message, e.g. to archive or mark read.',
      },
    ],
    oauth: {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['https://www.googleapis.com/auth/gmail.modify'],
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      // Google's revocation ends every grant of the user and app: the new one with the old.
      revokeReplacedGrant: false,
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'google-calendar',
    name: 'Google Calendar',
    description: 'Read calendars and availability, and create, update or cancel Google Calendar events.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'list_calendars', description: 'List the calendars the user can see.' },
      { name: 'list_events', description: 'List the events of a calendar in a time range.' },
      { name: 'get_event', description: 'Get one event with its attendees and conferencing details.' },
      {
        name: 'find_free_busy',
        description: 'Get the busy intervals of one or more calendars in a time range.',
      },
      { name: 'create_event', description: 'Create an event and optionally invite attendees.' },
      { name: 'update_event', description: 'Change the time, title, description or attendees of an event.' },
      { name: 'delete_event', description: 'Cancel and delete an event.' },
    ],
    oauth: {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: [
        'https://www.googleapis.com/auth/calendar.readonly',
        'https://www.googleapis.com/auth/calendar.events',
      ],
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      // Google's revocation ends every grant of the user and app: the new one with the old.
      revokeReplacedGrant: false,
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'google-sheets',
    name: 'Google Sheets',
    description: 'Read and write cell ranges in Google Sheets spreadsheets and create new ones.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'get_spreadsheet', description: 'Get the title and the sheets (tabs) of a spreadsheet.' },
      { name: 'read_range', description: 'Read the values of a cell range in A1 notation.' },
      { name: 'update_range', description: 'Write values into a cell range in A1 notation.' },
      { name: 'append_rows', description: 'Append rows after the last row of a table.' },
      {
        name: 'create_spreadsheet',
        description: 'Create a new spreadsheet with the given title and sheets.',
      },
    ],
    oauth: {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['https://www.googleapis.com/auth/spreadsheets'],
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      // Google's revocation ends every grant of the user and app: the new one with the old.
      revokeReplacedGrant: false,
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'google-docs',
    name: 'Google Docs',
    description: 'Read Google Docs documents and create or edit them.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'get_document', description: 'Get the text and structure of a document.' },
      { name: 'create_document', description: 'Create a new document with the given title.' },
      { name: 'insert_text', description: 'Insert text at a position or at the end of a document.' },
      { name: 'replace_text', description: 'Replace every occurrence of a string in a document.' },
    ],
    oauth: {
      authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenUrl: 'https://oauth2.googleapis.com/token',
      scopes: ['https://www.googleapis.com/auth/documents'],
      revocationUrl: 'https://oauth2.googleapis.com/revoke',
      // Google's revocation ends every grant of the user and app: the new one with the old.
      revokeReplacedGrant: false,
      authorizationParams: { access_type: 'offline', prompt: 'consent' },
      pkce: true,
    },
  },
  {
    slug: 'outlook',
    name: 'Microsoft Outlook',
    description:
      'Read, search and send Outlook mail, and manage Outlook calendar events via Microsoft Graph.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'search_messages', description: 'Search mailbox messages by text, sender or folder.' },
      { name: 'get_message', description: 'Get one message with its body and attachment list.' },
      { name: 'send_message', description: 'Send a new email.' },
      { name: 'reply_to_message', description: 'Reply to a message, optionally to all recipients.' },
      { name: 'create_draft', description: 'Save an email as a draft without sending it.' },
      { name: 'list_events', description: 'List calendar events in a time range.' },
      { name: 'create_event', description: 'Create a calendar event and optionally invite attendees.' },
    ],
    oauth: {
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
      authorizationParams: { response_mode: 'query' },
      pkce: false,
    },
  },
  {
    slug: 'microsoft-teams',
    name: 'Microsoft Teams',
    description: 'Read and post messages in Microsoft Teams channels and chats via Microsoft Graph.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'list_teams', description: 'List the teams the user has joined.' },
      { name: 'list_channels', description: 'List the channels of a team.' },
      { name: 'list_channel_messages', description: 'Read the recent messages of a channel.' },
      { name: 'send_channel_message', description: 'Post a message to a channel.' },
      { name: 'list_chats', description: 'List the one-on-one and group chats of the user.' },
      { name: 'send_chat_message', description: 'Send a message in a chat.' },
    ],
    oauth: {
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      scopes: [
        'offline_access',
        'User.Read',
        'Team.ReadBasic.All',
        'Channel.ReadBasic.All',
        'ChannelMessage.Read.All',
        'ChannelMessage.Send',
        'Chat.ReadWrite',
      ],
      authorizationParams: { response_mode: 'query' },
      pkce: false,
    },
  },
  {
    slug: 'one-drive',
    name: 'OneDrive',
    description: 'Search, read and upload files in OneDrive and share links to them via Microsoft Graph.',
    authType: 'oauth',
    availability: 'available',
    tools: [
      { name: 'search_files', description: 'Search files by name or content.' },
      { name: 'list_folder', description: 'List the items of a folder.' },
      { name: 'get_file_metadata', description: 'Get the metadata of a file or folder.' },
      { name: 'download_file', description: 'Download the content of a file.' },
      { name: 'upload_file', description: 'Upload a file into a folder.' },
      { name: 'create_folder', description: 'Create a folder.' },
      { name: 'create_sharing_link', description: 'Create a view or edit link to a file or folder.' },
    ],
    oauth: {
      authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
      tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
      scopes: ['offline_access', 'User.Read', 'Files.ReadWrite.All'],
      authorizationParams: { response_mode: 'query' },
      pkce: false,
    },
  },
];
