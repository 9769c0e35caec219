type Note = {
  id: string;
  content: string;
};

export default Note;
