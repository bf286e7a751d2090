/** A prompt: a message template the user picks in their client, with argument completion. */
import type { ModuleKit } from 'mcp-server/module';

const TEAMS = ['design', 'engineering', 'operations', 'sales'];

export default ({ definePrompt }: ModuleKit) =>
  definePrompt({
    name: 'welcome',
    title: 'Welcome a new colleague',
    description: 'Ask the model for a short welcome message for someone joining a team.',
    arguments: [
      { name: 'name', description: 'Who is joining.', required: true },
      { name: 'team', description: 'The team they join.' },
    ],
    complete: { team: (value) => TEAMS.filter((team) => team.startsWith(value.toLowerCase())) },
    get: ({ name, team }) => `Write a short, warm welcome message for ${name}${team ? `, who joins the ${team} team` : ''}.`,
  });
