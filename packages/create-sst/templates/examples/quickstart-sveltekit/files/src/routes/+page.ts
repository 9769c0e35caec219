// since there is data here, we can't prerender
export const prerender = false;
