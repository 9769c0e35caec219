// The operations the site sends, typed by hand against packages/graphql/schema.graphql.
export interface ArticleFields {
  id: string;
  title: string;
  url: string;
}

export const ArticlesQuery = /* GraphQL */ `
  query Articles {
    articles {
      id
      title
      url
    }
  }
`;

export const CreateArticleMutation = /* GraphQL */ `
  mutation CreateArticle($title: String!, $url: String!) {
    createArticle(title: $title, url: $url) {
      id
    }
  }
`;
